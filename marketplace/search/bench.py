"""Search benchmark: `python -m marketplace.search.bench [--listings 10000] [--queries 300] [--no-elasticsearch]`.

Generates a cluster with N capacity listings (machines with weekly idle windows, spread over factory sites around
Dongguan), times a full reindex, then times a mix of queries (free text in Chinese and English, process /
material / certification filters, distance filter and sort, idle hours between two dates, rate range and sort) on
the embedded backend (a fresh SQLite file, or --database-url) and on osmem-server through the OsmemBridge.
The last line is a `key=value` summary.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from capacity.models import Factory, Machine, Material, Process, WeeklyWindow, machine_materials
from marketplace import create_app
from marketplace.accounts.models import Cluster, Firm
from marketplace.demo import catalogue
from marketplace.devtools.osmem_bridge import OsmemBridge
from marketplace.extensions import db
from marketplace.search.indexing import reindex
from marketplace.search.query import IdleFilter, SearchQuery

CERTS = ("ISO9001", "IATF16949", "ISO14001", "ISO13485", "AS9100")
WORDS = ("铣削", "数控铣削", "激光切割", "车削", "不锈钢", "铝合金", "精密", "milling", "laser", "turning", "steel",
         "Haas", "Precision", "五轴", "注塑")
FIRM_WORDS = ("精工", "华达", "宏图", "力拓", "盛世", "Precision", "Bright", "Eastern", "Pearl River", "Golden")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def generate(db, listings: int, seed: int) -> int:
    """Insert a cluster with `listings` machines (10 per site, 2 sites per firm) with Core inserts."""
    rng = random.Random(seed)
    processes = db.session.scalars(select(Process.code)).all()
    materials = db.session.scalars(select(Material.code)).all()
    cluster_id = db.session.execute(insert(Cluster).returning(Cluster.id), [
        {"slug": "bench", "name": "Bench cluster", "region": "Dongguan", "timezone": "Asia/Shanghai"}]).scalar_one()
    sites_needed = (listings + 9) // 10
    firms = db.session.execute(insert(Firm).returning(Firm.id), [
        {"cluster_id": cluster_id, "name": f"{rng.choice(FIRM_WORDS)}{rng.choice(FIRM_WORDS)} 机械 {i}",
         "is_factory": True, "description": "CNC 加工 precision parts 精密零件"}
        for i in range((sites_needed + 1) // 2)]).scalars().all()
    sites = db.session.execute(insert(Factory).returning(Factory.id), [
        {"firm_id": firms[i // 2], "cluster_id": cluster_id, "name": f"Plant {i} 厂区",
         "address": f"东莞市 {rng.choice(['长安镇', '虎门镇', '松山湖', '塘厦镇'])} {i} 号",
         "latitude": 22.8 + rng.uniform(-0.3, 0.3), "longitude": 113.8 + rng.uniform(-0.3, 0.3),
         "certifications": rng.sample(CERTS, rng.randint(0, 3))} for i in range(sites_needed)]).scalars().all()
    machine_rows = [{"factory_id": sites[i // 10], "name": f"{rng.choice(['Haas', 'Mazak', 'DMG', 'Trumpf'])} {i}",
                     "process_code": rng.choice(processes), "units": rng.randint(1, 3), "envelope_x_mm": 800,
                     "envelope_y_mm": 500, "envelope_z_mm": 500, "best_tolerance_mm": 0.01,
                     "hourly_rate_fen": rng.randint(50, 400) * 100, "setup_minutes": 30, "speed_factor": 1.0,
                     "active": True} for i in range(listings)]
    machines = db.session.execute(insert(Machine).returning(Machine.id), machine_rows).scalars().all()
    db.session.execute(insert(machine_materials), [
        {"machine_id": m, "material_code": code} for m in machines for code in rng.sample(materials, 2)])
    windows = []
    for m in machines:
        start = rng.choice((6, 8, 18, 20)) * 60
        for day in rng.sample(range(7), rng.randint(2, 7)):
            windows.append({"machine_id": m, "weekday": day, "start_minute": start,
                            "end_minute": (start + rng.choice((4, 8, 10)) * 60) % 1440 or 1440})
    db.session.execute(insert(WeeklyWindow), windows)
    db.session.commit()
    return cluster_id


def queries(cluster_id: int, today, n: int, seed: int):
    rng = random.Random(seed)
    for i in range(n):
        shape = i % 8
        args = {"kind": "capacity" if i % 5 else "supplier", "cluster_id": cluster_id, "limit": 20}
        if shape in (0, 1, 2):
            args["text"] = rng.choice(WORDS)
        if shape == 3:
            args["processes"] = (rng.choice(("cnc_mill_3ax", "laser_cut", "cnc_turn")),)
            args["certifications"] = (rng.choice(CERTS),)
        if shape == 4:
            args |= {"near": (22.8, 113.8), "max_km": 15.0, "sort": "distance"}
        if shape == 5:
            first = today + timedelta(days=rng.randint(1, 20))
            args["idle"] = IdleFilter(first, first + timedelta(days=6), rng.choice((10, 40, 80)) * 60)
        if shape == 6:
            args |= {"min_rate_fen": 10000, "max_rate_fen": 20000, "sort": "rate", "materials": ("al6061", "ss304")}
        if shape == 7:
            args |= {"text": rng.choice(WORDS[:7]), "near": (22.9, 113.7), "sort": "distance",
                     "processes": (rng.choice(("cnc_mill_3ax", "laser_cut", "cnc_turn")),)}
        yield SearchQuery(**args)


def run(app, listings: int, n_queries: int, seed: int, generate_data: bool, cluster_id: int | None = None) -> dict:
    from flask_migrate import upgrade

    with app.app_context():
        ext = app.extensions["search"]
        if generate_data:
            upgrade()
            catalogue.seed()
            db.session.commit()
            cluster_id = generate(db, listings, seed)
        started = time.perf_counter()
        report = reindex(db.session, ext, batch=1000)
        db.session.commit()
        ext.backend.refresh()
        reindex_s = time.perf_counter() - started
        timings, totals = [], []
        batch = list(queries(cluster_id, ext.today(), n_queries, seed))
        for q in batch[:10]:  # warm-up
            ext.backend.search(q)
        for q in batch:
            t0 = time.perf_counter()
            result = ext.backend.search(q)
            timings.append((time.perf_counter() - t0) * 1000)
            totals.append(result.total)
        db.session.remove()
        ext.backend.close()
        return {"cluster_id": cluster_id, "reindex_s": reindex_s, "docs": sum(report["counts"].values()),
                "p50_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95),
                "max_ms": max(timings), "mean_hits": statistics.mean(totals)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp directory")
    parser.add_argument("--no-elasticsearch", action="store_true", help="skip the osmem-server run")
    options = parser.parse_args(argv)

    import logging
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        url = options.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        base = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False, "ELASTICSEARCH_URL": None,
                "SEARCH_AUTO_INDEX": False}
        dialect = url.split(":", 1)[0].split("+")[0]
        embedded = run(create_app(base), options.listings, options.queries, options.seed, generate_data=True)
        print(f"embedded ({dialect}): {embedded['docs']} documents reindexed in {embedded['reindex_s']:.1f} s; "
              f"{options.queries} queries p50 {embedded['p50_ms']:.1f} ms, p95 {embedded['p95_ms']:.1f} ms, "
              f"max {embedded['max_ms']:.1f} ms, mean hits {embedded['mean_hits']:.0f}")
        summary = {"listings": options.listings, "queries": options.queries, "backend": dialect,
                   "p50_ms": f"{embedded['p50_ms']:.1f}", "p95_ms": f"{embedded['p95_ms']:.1f}",
                   "reindex_s": f"{embedded['reindex_s']:.1f}"}
        if not options.no_elasticsearch:
            from osmem_server import OsmemServer

            server = OsmemServer.start(japanese=False)
            try:
                with OsmemBridge(server.url) as bridge:
                    es = run(create_app(base | {"ELASTICSEARCH_URL": bridge.url, "SEARCH_INDEX": "bench"}),
                             options.listings, options.queries, options.seed, generate_data=False,
                             cluster_id=embedded["cluster_id"])
            finally:
                server.close()
                for pipe in (server.process.stdout, server.process.stdin):
                    if pipe:
                        pipe.close()
            print(f"elasticsearch (osmem-server {server.version} via bridge): {es['docs']} documents reindexed in "
                  f"{es['reindex_s']:.1f} s; p50 {es['p50_ms']:.1f} ms, p95 {es['p95_ms']:.1f} ms, "
                  f"max {es['max_ms']:.1f} ms, mean hits {es['mean_hits']:.0f}")
            summary |= {"es_p50_ms": f"{es['p50_ms']:.1f}", "es_p95_ms": f"{es['p95_ms']:.1f}",
                        "es_reindex_s": f"{es['reindex_s']:.1f}"}
        print(" ".join(f"{k}={v}" for k, v in summary.items()))


if __name__ == "__main__":
    main()
