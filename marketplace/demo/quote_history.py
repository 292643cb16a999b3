"""Demo step: a year of completed jobs (actual costs from quoting's hidden ground truth, with noise) for
calibrating the quote rates (`flask --app wsgi quotes calibrate`)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from capacity.models import Factory, Machine
from marketplace.extensions import db
from marketplace.quotes.calibration import row_values
from marketplace.quotes.models import CompletedJob
from quoting.history import generate_jobs

DEMO_JOBS = 600
JOBS_SEED = 2026


def add_jobs(cluster, count: int, seed: int, today=None) -> int:
    """Add `count` generated jobs (references C<cluster>-J<seed>-nnnnn; existing ones are skipped).

    Returns the number of jobs added.
    """
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    sites: dict[str, list[int]] = {}
    for process, factory_id in db.session.execute(
        select(Machine.process_code, Machine.factory_id).join(Factory).where(Factory.cluster_id == cluster.id)
    ):
        sites.setdefault(process, []).append(factory_id)
    existing = set(db.session.scalars(select(CompletedJob.reference).where(CompletedJob.cluster_id == cluster.id)))
    added = 0
    for job in generate_jobs(count, seed):
        candidates = sorted(set(sites.get(job.route[0], ())))
        day = today - timedelta(days=rng.randint(1, 365))
        factory_id = rng.choice(candidates) if candidates else None
        reference = f"C{cluster.id}-{job.job_id}"
        if reference in existing:
            continue
        db.session.add(
            CompletedJob(
                reference=reference,
                cluster_id=cluster.id,
                factory_id=factory_id,
                completed_at=datetime.combine(day, time(9 + rng.randint(0, 8)), tzinfo=UTC),
                **row_values(job),
            )
        )
        added += 1
    return added


def seed_completed_jobs(context) -> None:
    cluster = context.cluster
    if db.session.scalar(select(func.count(CompletedJob.id)).where(CompletedJob.cluster_id == cluster.id)):
        return
    db.session.flush()
    add_jobs(cluster, DEMO_JOBS, JOBS_SEED, today=context.today)
