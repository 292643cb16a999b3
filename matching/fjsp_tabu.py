"""Tabu search on the disjunctive graph for the flexible job shop (after Mastrolilli & Gambardella, 2000).

A solution is a machine per operation plus a sequence per machine; start times are the heads (longest path from
the source) in the graph of job arcs and machine arcs, so every acyclic solution is a valid semi-active schedule.

Each iteration computes heads ``r`` and tails ``q`` (longest path to the sink, without the operation's own time)
with one topological pass, takes the critical operations (``r + p + q == makespan``) and evaluates every move
"take critical operation v out and insert it on one of its machines k between u and w" by the approximate length
of the longest path through v afterwards:

    max(end of job predecessor, r[u] + p[u]) + p_k(v) + max(p + q of job successor, p[w] + q[w])

Only insertions that provably keep the graph acyclic are considered (u must not be reachable from v's job
successor: ``r[u] < r[js] + p[js]``; w must not reach v's job predecessor: ``q[w] < q[jp] + p[jp]``). The best
non-tabu move is applied (a tabu move is allowed when its estimate beats the best makespan found); the tabu
attribute is (operation, machine, predecessor it left). After a long stall the search restarts from the best
solution with a few random moves. Everything is plain Python lists in tight loops.
"""

from __future__ import annotations

import random
import time


class FjspTabu:
    def __init__(self, jobs, num_machines: int):
        """``jobs[j][o] = ((machine_0_based, duration), ...)``."""
        self.M = num_machines
        self.job_ops: list[list[int]] = []
        jp, js, alts, job_of = [], [], [], []
        v = 0
        for j, job in enumerate(jobs):
            ids = []
            for o, a in enumerate(job):
                ids.append(v)
                jp.append(v - 1 if o > 0 else -1)
                js.append(v + 1 if o + 1 < len(job) else -1)
                alts.append(tuple(a))
                job_of.append(j)
                v += 1
            self.job_ops.append(ids)
        self.n = v
        self.jp, self.js, self.alts, self.job_of = jp, js, alts, job_of
        self.dur = [dict(a) for a in alts]

    # ------------------------------------------------------------------ state conversion
    def from_solution(self, sol):
        """``sol[j][o] = (machine_0_based, start, duration)`` -> (mach, seq)."""
        mach = [0] * self.n
        starts = [0] * self.n
        for j, ids in enumerate(self.job_ops):
            for o, v in enumerate(ids):
                mach[v] = sol[j][o][0]
                starts[v] = sol[j][o][1]
        seq = [[] for _ in range(self.M)]
        for v in sorted(range(self.n), key=lambda x: (starts[x], x)):
            seq[mach[v]].append(v)
        return mach, seq

    def to_solution(self, mach, seq):
        p = [self.dur[v][mach[v]] for v in range(self.n)]
        res = self.evaluate(seq, p)
        assert res is not None, "cyclic solution"
        r = res[0]
        return [[(mach[v], r[v], p[v]) for v in ids] for ids in self.job_ops]

    # ------------------------------------------------------------------ heads / tails
    def evaluate(self, seq, p):
        """Heads, tails, makespan, machine predecessor/successor; ``None`` if the graph has a cycle."""
        n = self.n
        jp, js = self.jp, self.js
        mpred = [-1] * n
        msucc = [-1] * n
        for s in seq:
            for i in range(1, len(s)):
                a = s[i - 1]
                b = s[i]
                mpred[b] = a
                msucc[a] = b
        indeg = [(jp[v] >= 0) + (mpred[v] >= 0) for v in range(n)]
        stack = [v for v in range(n) if not indeg[v]]
        r = [0] * n
        order = []
        push = stack.append
        pop = stack.pop
        add = order.append
        while stack:
            v = pop()
            add(v)
            e = r[v] + p[v]
            w = js[v]
            if w >= 0:
                if r[w] < e:
                    r[w] = e
                indeg[w] -= 1
                if not indeg[w]:
                    push(w)
            w = msucc[v]
            if w >= 0:
                if r[w] < e:
                    r[w] = e
                indeg[w] -= 1
                if not indeg[w]:
                    push(w)
        if len(order) < n:
            return None
        q = [0] * n
        cmax = 0
        for v in reversed(order):
            t = 0
            a = js[v]
            if a >= 0:
                t = q[a] + p[a]
            b = msucc[v]
            if b >= 0:
                x = q[b] + p[b]
                if x > t:
                    t = x
            q[v] = t
            x = r[v] + p[v] + t
            if x > cmax:
                cmax = x
        return r, q, cmax, mpred, msucc

    # ------------------------------------------------------------------ search
    def search(self, sol, deadline: float, rng: random.Random, stop=None, lower_bound: int = 0,
               stall_limit: int = 2500, tenure: tuple[int, int] = (10, 25), on_improve=None,
               max_iterations: int | None = None, kick: tuple[int, int] = (2, 6)):
        """Improve ``sol`` until ``deadline`` (perf_counter), ``stop()`` or the lower bound is reached.

        Returns (best solution in the ``sol`` format, best makespan, iterations).
        """
        n = self.n
        jp, js, alts = self.jp, self.js, self.alts
        mach, seq = self.from_solution(sol)
        p = [self.dur[v][mach[v]] for v in range(n)]
        res = self.evaluate(seq, p)
        if res is None:  # pragma: no cover - a valid schedule gives an acyclic graph
            raise ValueError("initial solution is cyclic")
        r, q, cmax, mpred, msucc = res
        best = cmax
        best_state = (mach[:], [s[:] for s in seq])
        tabu: dict[tuple[int, int, int], int] = {}
        it = 0
        last_improve = 0
        INF = 1 << 60
        rand = rng.random
        tget = tabu.get

        def is_tabu(v, k, m0, i, i0, S):
            if k != m0:
                return tget((v, -1 - k), 0) >= it
            if i < i0:  # v moves before S[i:i0]: pairs (v, x) are restored
                for x in S[i:i0]:
                    if tget((v, x), 0) >= it:
                        return True
            else:  # v moves after S[i0:i]
                for x in S[i0:i]:
                    if tget((x, v), 0) >= it:
                        return True
            return False
        while best > lower_bound and (max_iterations is None or it < max_iterations):
            it += 1
            if (it & 15) == 0:
                if time.perf_counter() >= deadline or (stop is not None and stop()):
                    break
            if it - last_improve > stall_limit:
                # restart from the best solution with a few random moves
                mach = best_state[0][:]
                seq = [s[:] for s in best_state[1]]
                p = [self.dur[v][mach[v]] for v in range(n)]
                res = self.evaluate(seq, p)
                r, q, cmax, mpred, msucc = res
                for _ in range(rng.randint(kick[0], kick[1])):
                    crit = [v for v in range(n) if r[v] + p[v] + q[v] == cmax]
                    v = rng.choice(crit)
                    cand = self._random_move(v, mach, seq, p, r, q, rng)
                    if cand is None:
                        continue
                    nres = self._apply(v, cand[0], cand[1], mach, seq, p)
                    if nres is None:
                        continue
                    r, q, cmax, mpred, msucc = nres
                tabu.clear()
                last_improve = it
                continue
            best_est = INF
            best_move = None
            nties = 0
            for v in [x for x in range(n) if r[x] + p[x] + q[x] == cmax]:
                m0 = mach[v]
                mp0 = mpred[v]
                # heads / tails of v's machine without v (G minus v), restored after this operation
                S0 = seq[m0]
                i0 = S0.index(v)
                saved_r = []
                prev = mp0
                for idx in range(i0 + 1, len(S0)):
                    x = S0[idx]
                    y = jp[x]
                    h = r[y] + p[y] if y >= 0 else 0
                    if prev >= 0:
                        e = r[prev] + p[prev]
                        if e > h:
                            h = e
                    if h == r[x]:
                        break
                    saved_r.append((x, r[x]))
                    r[x] = h
                    prev = x
                saved_q = []
                nxt = msucc[v]
                for idx in range(i0 - 1, -1, -1):
                    x = S0[idx]
                    y = js[x]
                    t = q[y] + p[y] if y >= 0 else 0
                    if nxt >= 0:
                        e = q[nxt] + p[nxt]
                        if e > t:
                            t = e
                    if t == q[x]:
                        break
                    saved_q.append((x, q[x]))
                    q[x] = t
                    nxt = x
                a = jp[v]
                b = js[v]
                if a >= 0:
                    rv = r[a] + p[a]
                    thr_q = q[a] + p[a]
                else:
                    rv = 0
                    thr_q = INF
                if b >= 0:
                    qv = q[b] + p[b]
                    thr_r = r[b] + p[b]
                else:
                    qv = 0
                    thr_r = INF
                S0m = S0[:i0] + S0[i0 + 1:]
                for k, pk in alts[v]:
                    S = S0m if k == m0 else seq[k]
                    L = len(S)
                    # insertion positions i = 0..L in S (v removed): u = S[i-1], w = S[i].
                    # w must not reach v's job predecessor a (q[w] >= thr_q: a prefix of S) ...
                    lo = 0
                    if a >= 0:
                        while lo < L and q[S[lo]] >= thr_q:
                            lo += 1
                        if lo < L and S[lo] == a:
                            lo += 1
                    # ... and u must not be reachable from v's job successor b (a suffix of S)
                    f = lo - 1 if lo > 0 else 0
                    if b >= 0:
                        while f < L:
                            x = S[f]
                            if x == b or r[x] >= thr_r:
                                break
                            f += 1
                    else:
                        f = L
                    for i in range(lo, f + 1):
                        if i == i0 and k == m0:
                            continue
                        left = rv
                        if i:
                            x = S[i - 1]
                            x = r[x] + p[x]
                            if x > left:
                                left = x
                        right = qv
                        if i < L:
                            x = S[i]
                            x = q[x] + p[x]
                            if x > right:
                                right = x
                        est = left + pk + right
                        if est <= best_est and (est < best or not is_tabu(v, k, m0, i, i0, S)):
                            if est < best_est:
                                best_est = est
                                best_move = (v, k, i)
                                nties = 1
                            else:
                                nties += 1
                                if rand() * nties < 1.0:
                                    best_move = (v, k, i)
                for x, h in saved_r:
                    r[x] = h
                for x, t in saved_q:
                    q[x] = t
            if best_move is None:
                # everything tabu: forget the oldest restrictions
                tabu.clear()
                continue
            v, k, i = best_move
            m0 = mach[v]
            S0 = seq[m0]
            i0 = S0.index(v)
            until = it + rng.randint(tenure[0], tenure[1])
            if k == m0:
                # the relative order of v and the operations it jumps over is tabu to restore
                if i < i0:
                    for x in S0[i:i0]:
                        tabu[(x, v)] = until  # x was before v
                else:
                    for x in S0[i0 + 1:i + 1]:
                        tabu[(v, x)] = until  # v was before x
            else:
                tabu[(v, -1 - m0)] = until  # v may not go back to m0
            nres = self._apply(v, k, i, mach, seq, p)
            if nres is None:  # pragma: no cover - guarded by the acyclicity test
                continue
            r, q, cmax, mpred, msucc = nres
            if cmax < best:
                best = cmax
                best_state = (mach[:], [s[:] for s in seq])
                last_improve = it
                if on_improve is not None:
                    on_improve(best, it)
        return self.to_solution(*best_state), best, it

    def _random_move(self, v, mach, seq, p, r, q, rng):
        a, b = self.jp[v], self.js[v]
        INF = 1 << 60
        thr_q = q[a] + p[a] if a >= 0 else INF
        thr_r = r[b] + p[b] if b >= 0 else INF
        opts = []
        for k, _ in self.alts[v]:
            S = [x for x in seq[k] if x != v]
            for i in range(len(S) + 1):
                u = S[i - 1] if i > 0 else -1
                w = S[i] if i < len(S) else -1
                if u >= 0 and (u == b or r[u] >= thr_r):
                    break
                if w < 0 or (w != a and q[w] < thr_q):
                    opts.append((k, i))
        return rng.choice(opts) if opts else None

    def _apply(self, v, k, i, mach, seq, p):
        """Move v to position i of machine k's sequence (counted without v). Reverts and returns None on a cycle."""
        m0 = mach[v]
        S0 = seq[m0]
        i0 = S0.index(v)
        del S0[i0]
        S = seq[k]
        S.insert(i, v)
        mach[v] = k
        p[v] = self.dur[v][k]
        res = self.evaluate(seq, p)
        if res is None:
            del S[i]
            S0.insert(i0, v)
            mach[v] = m0
            p[v] = self.dur[v][m0]
        return res
