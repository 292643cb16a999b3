"""Who may read the dashboard: operators, their own cluster only. Bad ranges are 422 naming the field."""

import pytest

RANGE = {"start": "2026-11-23", "end": "2026-11-29"}


@pytest.fixture
def other_cluster(db, create_cluster, create_firm, create_user, create_factory, create_machine):
    from capacity.models import WeeklyWindow

    cluster = create_cluster(slug="other", name="Other town")
    operator = create_firm("operator", name="Other Office", cluster=cluster)
    factory = create_firm("factory", name="Secret Foundry", cluster=cluster)
    site = create_factory(factory, name="Secret Site")
    machine = create_machine(site, name="Secret Mill")
    db.session.add(WeeklyWindow(machine=machine, weekday=0, start_minute=0, end_minute=1440))
    db.session.commit()
    return create_user(operator)


FIGURES = [("utilisation", {"group_by": "factory"}), ("utilisation", {"group_by": "machine"}), ("heatmap", {}),
           ("trend", {}), ("under-used", {}), ("over-demanded", {}), ("demand-supply", {}), ("kpis", {})]


def test_operators_never_see_another_clusters_firms(api_as, world, other_cluster):
    ours, theirs = api_as(world.operator), api_as(other_cluster)
    for path, args in FIGURES:
        text = ours.get(f"/api/v1/dashboard/{path}", query_string=RANGE | args).get_data(as_text=True)
        assert "Secret" not in text, path
        text = theirs.get(f"/api/v1/dashboard/{path}", query_string=RANGE | args).get_data(as_text=True)
        assert "North" not in text and "Mill A" not in text and "Jinhui" not in text, path
    mine = ours.get("/api/v1/dashboard/kpis", query_string=RANGE).get_json()["items"][0]["value"]
    assert mine["total"] == 4
    other = theirs.get("/api/v1/dashboard/utilisation", query_string=RANGE | {"group_by": "factory"}).get_json()
    other = other["items"]
    assert [row["label"] for row in other] == ["Secret Site"]


def test_csv_and_page_stay_in_the_own_cluster(client, world, other_cluster):
    client.post("/sign-in", data={"email": world.operator.email, "password": "correct horse battery"})
    for name in ("utilisation", "heatmap", "under-used", "firms", "kpis"):
        body = client.get(f"/dashboard/export/{name}.csv", query_string=RANGE | (
            {"group_by": "machine"} if name == "utilisation" else {})).get_data().decode("utf-8-sig")
        assert "Secret" not in body
    assert "Secret" not in client.get("/dashboard", query_string=RANGE).get_data(as_text=True)


@pytest.mark.parametrize("who", ["factory_user", "buyer_user"])
def test_other_roles_get_403(api_as, client, world, who):
    user = getattr(world, who)
    api = api_as(user)
    for path, args in FIGURES:
        assert api.get(f"/api/v1/dashboard/{path}", query_string=args).status_code == 403, path
    assert api.get("/api/v1/dashboard/kpis?start=nonsense").status_code == 403  # role first, then arguments
    client.post("/sign-in", data={"email": user.email, "password": "correct horse battery"})
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard/export/kpis.csv").status_code == 403


def test_anonymous_is_401_on_the_api(client, world):
    assert client.get("/api/v1/dashboard/kpis").status_code == 401


@pytest.mark.parametrize("args, field", [
    ({"start": "2026-13-01", "end": "2026-12-01"}, "start"),
    ({"start": "2026-11-01", "end": "yesterday"}, "end"),
    ({"start": "2026-11-10", "end": "2026-11-09"}, "end"),
    ({"start": "2026-01-01", "end": "2027-01-02"}, "end"),
    ({"start": "2026-11-01", "end": "2026-11-02", "colour": "red"}, "colour"),
    ({"group_by": "planet"}, "group_by"),
])
def test_bad_ranges_are_422_naming_the_field(api_as, world, args, field):
    response = api_as(world.operator).get("/api/v1/dashboard/utilisation", query_string=args)
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and field in body["errors"]


def test_a_whole_year_is_allowed(api_as, world):
    response = api_as(world.operator).get("/api/v1/dashboard/kpis", query_string={"start": "2026-01-01",
                                                                                  "end": "2026-12-31"})
    assert response.status_code == 200


@pytest.mark.parametrize("language, words", [("en", "The end must be on or after the start."),
                                             ("zh", "结束日期不能早于开始日期。")])
def test_a_bad_range_keeps_the_page_with_a_message_by_the_field(client, sign_in, world, language, words):
    sign_in(client, world.operator, language=language)
    response = client.get("/dashboard", query_string={"start": "2026-11-10", "end": "2026-11-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<small class="error" data-field="end">{words}</small>' in html
    assert 'data-testid="kpis"' in html and 'data-testid="chart-heatmap"' in html  # the page stays whole
    assert 'value="2026-11-01"' in html and "Must be" not in html
    garbled = client.get("/dashboard", query_string={"start": "20261110", "end": "2026-11-01"})
    assert garbled.status_code == 422 and 'data-field="start"' in garbled.get_data(as_text=True)
