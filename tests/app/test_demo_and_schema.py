"""The demo cluster and the migrations."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import func, select

from capacity.models import Equipment, Factory, Machine, WeeklyWindow
from marketplace.accounts.models import Firm, User
from marketplace.orders.models import OPEN_STATUSES, Booking, Order
from marketplace.planning.models import PlanRun


def count(db, column, *where):
    return db.session.scalar(select(func.count(column)).where(*where))


def test_migrations_match_the_models(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    # Full-text index tables (SQLite FTS5 virtual tables and their shadow tables) live only in the migrations.
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("search_"))]
    assert diff == []


def test_demo_cluster_is_realistic_deterministic_and_idempotent(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--plan-seconds", "3"])
    assert result.exit_code == 0, result.output
    assert "operator@demo.smp.cn" in result.output and "demo-pass-2026" in result.output
    assert count(db, Firm.id, Firm.is_operator) == 1
    assert count(db, Factory.id) >= 30
    assert count(db, Machine.id) >= 150
    assert count(db, Equipment.id) >= 20
    assert count(db, Firm.id, Firm.is_buyer) >= 40
    assert count(db, WeeklyWindow.id) > 150
    processes = db.session.scalar(select(func.count(func.distinct(Machine.process_code))))
    assert processes >= 14
    lat, lon = db.session.execute(select(func.min(Factory.latitude), func.max(Factory.longitude))).one()
    assert 22.7 < lat < 22.9 and 113.7 < lon < 113.9  # inside Chang'an town, Dongguan
    rates = db.session.execute(
        select(Machine.process_code, func.min(Machine.hourly_rate_fen), func.max(Machine.hourly_rate_fen)).group_by(
            Machine.process_code
        )
    ).all()
    assert all(1000 <= low <= high <= 50000 for _, low, high in rates)  # 10-500 CNY an hour
    assert count(db, Order.id, Order.status.in_(OPEN_STATUSES)) >= 50
    run = db.session.scalars(select(PlanRun)).one()
    assert run.state == "done" and run.assignments >= 100 and "First plan: run" in result.output
    assert count(db, Booking.id) == run.assignments
    first = sorted(db.session.execute(select(Machine.name, Machine.hourly_rate_fen)).all())
    users = count(db, User.id)
    again = runner.invoke(args=["demo", "load", "--plan-seconds", "3"])
    assert again.exit_code == 0 and "already present" in again.output
    assert count(db, User.id) == users
    assert count(db, PlanRun.id) == 1 and count(db, Booking.id) == run.assignments
    assert sorted(db.session.execute(select(Machine.name, Machine.hourly_rate_fen)).all()) == first


def test_demo_users_can_sign_in(app, db, client):
    CliRunner()  # keep the import honest
    app.test_cli_runner().invoke(args=["demo", "load", "--plan-seconds", "2"])
    r = client.post("/sign-in", data={"email": "factory01@demo.smp.cn", "password": "demo-pass-2026"})
    assert r.status_code == 302
    assert "东莞市锦辉精密五金有限公司" in client.get("/home").get_data(as_text=True)


def test_the_running_app_imports_no_dev_or_test_support():
    """create_app() and a request load nothing from marketplace.devtools (fakes, the local payments server)."""
    import subprocess
    import sys

    code = ("import sys; from marketplace import create_app; app = create_app({'TESTING': True, "
            "'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); app.test_client().get('/sign-in'); "
            "print(sorted(m for m in sys.modules if m.startswith('marketplace.devtools')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
