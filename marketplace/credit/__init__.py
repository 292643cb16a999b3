"""Firm credit profiles (信用评估) from platform history, and the operator's capability map (供应商能力图谱).

facts.py     what the platform knows about each firm: deliveries, ratings, disputes, refunds, cancellations,
             declines, volume, tenure (batched queries for many firms at once)
scoring.py   pure: facts -> a score out of 100 with its factors (codes and parameters; no Flask, no database)
wording.py   the factors in the reader's language
capability.py  per process: which firms, machines and idle hours, and where
api.py, views.py   REST endpoints and pages: the operator and the firm itself see a profile, competitors do not
See docs/credit.md.
"""
