"""The long fuzz run (``make fuzz``): the properties of test/fuzz_props.py, far longer.

Several worker processes send cases through the same WSGI harness and oracles as the
quick suite (``test/test_fuzz.py``) until the requested number of requests has been
sent. The run's seed is printed at the start (``FUZZ_SEED`` repeats a run).

Two modes (``FUZZ_MODE``):

``fast`` (the default)
    Cases come from the schemas of ``test/fuzz_random.py``, which describe the
    strategies' case space with Python's :mod:`random`: about a hundred times
    cheaper than drawing from hypothesis, so the cost of a case is the requests
    themselves. Every property gets a share of the requests (:data:`SHARES`).
    A case is a new one, a new one mutated, or a mutation of the saved
    regression cases and of a seed corpus drawn once from the hypothesis
    strategies (``FUZZ_CORPUS`` examples per property; the corpus and the saved
    cases are also sent unchanged first). A failure with a new signature (oracle
    and cause) is minimised by the schema's shrinker while it keeps failing the
    same way; requests sent while shrinking are not counted.
``hypothesis``
    Every property in turn under hypothesis, each batch under a new seed
    derived from the run's (the way the quick suite runs them, only longer);
    hypothesis shrinks each new failure.

Each new failure's minimal case is saved in ``test/fuzz_regressions.json``, which the
quick suite replays (and in ``build/fuzz-failures.json``); later failures with a known
signature are counted but not minimised again. The last line is
``N requests, K failures``; the exit status is 1 if K > 0.

``BOTTLE_TEST_MODULE_DIR`` names a directory whose ``bottle.py`` is tested instead of
the checkout's (as for pytest), in this process, the workers and the template runner.

Parameters (environment variables, or the command-line options of the same name):

=================  =============================================  ============
FUZZ_REQUESTS      requests to send in all (template renderings    1000000
                   count as requests)
FUZZ_PROCESSES     worker processes                                CPU count
FUZZ_SEED          the run's seed                                  random
FUZZ_MODE          fast or hypothesis                              fast
FUZZ_PROPERTIES    comma-separated property names                  all
FUZZ_CORPUS        fast: hypothesis examples per property in the   25
                   seed corpus
FUZZ_BATCH         hypothesis: examples per hypothesis run         2000
FUZZ_SAVE          0: do not write the regression file             1
=================  =============================================  ============
"""
import argparse
import datetime
import faulthandler
import gc
import hashlib
import json
import multiprocessing
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MODULE_DIR = os.path.abspath(os.environ.get('BOTTLE_TEST_MODULE_DIR') or ROOT)
for _path in (MODULE_DIR, HERE):  # HERE first, then the bottle.py under test before all
    while _path in sys.path:
        sys.path.remove(_path)
    sys.path.insert(0, _path)

FAILURES_FILE = os.path.join(ROOT, 'build', 'fuzz-failures.json')
# hypothesis mode: examples each property gets per round, relative to one batch
# (templates are the slowest, a worker process round trip each).
WEIGHTS = {'templates': 0.5}
# fast mode: the share of the requests each property gets. any_request sends each case to
# every route; the named properties are the slow ones (large bodies, 3000 parts, a process
# round trip per template); every other property gets an equal part of the rest.
SHARES = {'any_request': 0.40, 'chunked': 0.03, 'multipart': 0.025, 'input_terminated': 0.02,
          'multipart_broken': 0.015, 'templates': 0.01}
# fast mode: where a case comes from (the rest are new cases, unchanged).
MUTATE_NEW = 0.25        # a new case, mutated one to four times
MUTATE_SAVED = 0.20      # a corpus or saved case, mutated one to four times
# fast mode: limits of the minimiser for one failure.
SHRINK_TRIES, SHRINK_SECONDS = 3000, 180.0
REPORT_EVERY = 60.0


def check_module():
    """Import bottle; refuse to run if it is not the one BOTTLE_TEST_MODULE_DIR names."""
    import bottle
    where = os.path.dirname(os.path.realpath(bottle.__file__))
    if where != os.path.realpath(MODULE_DIR):
        raise SystemExit('bottle was imported from %s, not from %s' % (where, MODULE_DIR))
    return bottle


def describe_module():
    """'path (sha256 ..., same as git HEAD's bottle.py: yes/no)' of the bottle.py under test."""
    path = os.path.join(MODULE_DIR, 'bottle.py')
    with open(path, 'rb') as handle:
        data = handle.read()
    text = '%s (sha256 %s' % (path, hashlib.sha256(data).hexdigest()[:16])
    try:
        head = subprocess.run(['git', '-C', ROOT, 'log', '-1', '--format=%h %cd', '--date=iso'],
                              capture_output=True, text=True, timeout=30).stdout.strip()
        committed = subprocess.run(['git', '-C', ROOT, 'show', 'HEAD:bottle.py'],
                                   capture_output=True, timeout=30).stdout
        text += '; checkout at %s, whose bottle.py is %s' % (
            head, 'the same' if committed == data else 'different')
    except (OSError, subprocess.SubprocessError):
        pass
    return text + ')'


def _settings(max_examples, phases=None):
    from hypothesis import HealthCheck, Phase, settings
    return settings(max_examples=max_examples, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=False,
                    phases=phases or (Phase.generate, Phase.shrink), report_multiple_bugs=True)


# ----------------------------------------------------------- hypothesis mode ----

def _run_batch(env, prop, batch_seed, max_examples, known, counts, found):
    """One hypothesis run of ``prop``; record failures in ``counts`` and ``found``."""
    import fuzz_props
    from hypothesis import given, seed

    def check(case):
        case = fuzz_props.normalise_case(case)
        try:
            prop.check(env, case)
        except fuzz_props.PropertyFailure as failure:
            signature = '%s: %s' % (prop.name, failure.signature)
            message = str(failure)
        except Exception as error:  # a harness or strategy bug: report it, do not hide it
            signature = '%s: harness error %s' % (prop.name, type(error).__name__)
            message = '%s: %s' % (type(error).__name__, error)
        else:
            return
        counts[signature] = counts.get(signature, 0) + 1
        if signature in known:
            return  # counted; shrinking it again would only repeat the saved case
        # The last failing call for a signature is hypothesis replaying the shrunk case.
        found[signature] = {'property': prop.name, 'case': case, 'signature': signature,
                            'note': message[:600], 'seed': batch_seed}
        raise AssertionError(signature)

    test = given(prop.strategy)(check)
    test = seed(batch_seed)(_settings(max_examples)(test))
    try:
        test()
    except Exception:  # hypothesis re-raises the (group of) failures after shrinking
        pass
    known.update(found)


def hypothesis_worker(args):
    """Run properties under hypothesis until ``quota`` requests were sent."""
    index, quota, run_seed, names, options, known, _ = args
    check_module()
    import fuzz_props
    env = fuzz_props.FuzzEnvironment()
    known, counts, found = set(known), {}, {}
    rng = random.Random('%s-%d' % (run_seed, index))
    started = last_report = time.time()
    cpu = time.process_time()
    try:
        while env.requests < quota:
            for name in names:
                if env.requests >= quota:
                    break
                examples = max(1, int(options['batch'] * WEIGHTS.get(name, 1.0)))
                _run_batch(env, fuzz_props.PROPERTIES[name], rng.getrandbits(64), examples,
                           known, counts, found)
                if time.time() - last_report > REPORT_EVERY:
                    last_report = time.time()
                    print('[fuzz worker %d] %d requests, %d failures, %.0f s' % (
                        index, env.requests, sum(counts.values()), last_report - started),
                        file=sys.stderr, flush=True)
    finally:
        requests = env.requests
        env.close()
    return {'requests': requests, 'counts': counts, 'found': found, 'stats': {},
            'wall': time.time() - started, 'cpu': time.process_time() - cpu,
            'shrink_requests': 0, 'slowest': {}}


# ----------------------------------------------------------------- fast mode ----

def draw_corpus(names, per_property, seed):
    """{property: [cases]}: ``per_property`` examples drawn from each hypothesis strategy."""
    import fuzz_props
    from hypothesis import Phase, given
    from hypothesis import seed as use_seed
    corpus = {}
    for name in names:
        drawn = []
        prop = fuzz_props.PROPERTIES[name]

        @use_seed(seed)
        @_settings(per_property, (Phase.generate,))
        @given(prop.strategy)
        def keep(case):
            drawn.append(fuzz_props.normalise_case(case))  # noqa: B023 (run at once)

        keep()
        corpus[name] = drawn[:per_property]
    return corpus


class FastWorker(object):
    """One process of the fast mode: schedules properties by their share of the requests,
    makes cases, runs them, minimises and records failures."""

    def __init__(self, index, processes, run_seed, names, known, corpus):
        check_module()
        import fuzz_props
        import fuzz_random
        self.fp, self.fr = fuzz_props, fuzz_random
        fuzz_props.use_fast_validate()
        self.env = fuzz_props.FuzzEnvironment()
        self.index = index
        self.rng = random.Random('%s-%d' % (run_seed, index))
        self.names = names
        share_left = 1.0 - sum(SHARES.get(n, 0) for n in names)
        others = [n for n in names if n not in SHARES]
        self.shares = {n: SHARES.get(n, share_left / max(1, len(others))) for n in names}
        total = sum(self.shares.values())
        self.shares = {n: s / total for n, s in self.shares.items()}
        self.known = set(known)
        self.counts, self.found = {}, {}
        self.stats = {n: [0, 0, 0.0] for n in names}  # cases, requests, cpu seconds
        self.slowest = {}
        self.shrink_requests = 0
        self.explored = 0  # requests that count (not those of the minimiser)
        # The pool that mutations start from: the corpus and the saved cases, where the
        # schema knows their shape; the first cases are these, unchanged.
        self.pool = {n: [] for n in names}
        for name, cases in corpus.items():
            if name in self.pool:
                self.pool[name] += [c for c in cases if fuzz_random.SCHEMAS[name].accepts(c)]
        self.first = []
        for entry in fuzz_props.load_regressions():
            name = entry['property']
            if name in self.pool:
                self.first.append((name, entry['case']))
                if fuzz_random.SCHEMAS[name].accepts(entry['case']):
                    self.pool[name].append(entry['case'])
        for name, cases in sorted(corpus.items()):
            if name in self.pool:
                self.first += [(name, case) for case in cases]
        self.first = self.first[index::processes]  # each worker sends its part of them

    def next_case(self):
        """(property name, case) of the next case."""
        if self.first:
            return self.first.pop(0)
        total = max(1, self.explored)
        name = max(self.names, key=lambda n: self.shares[n] - self.stats[n][1] / total)
        schema, r = self.fr.SCHEMAS[name], self.rng
        x = r.random()
        if x < MUTATE_SAVED and self.pool[name]:
            return name, self.fr.mutate_many(r, schema, r.choice(self.pool[name]))
        case = schema.gen(r)
        if x > 1.0 - MUTATE_NEW:
            case = self.fr.mutate_many(r, schema, case)
        return name, case

    def run_case(self, name, case):
        prop = self.fp.PROPERTIES[name]
        before, cpu = self.env.requests, time.process_time()
        result = self.fr.outcome(self.env, prop, case)
        spent = time.process_time() - cpu
        sent = self.env.requests - before
        stat = self.stats[name]
        stat[0] += 1
        stat[1] += sent
        stat[2] += spent
        self.explored += sent
        if spent > self.slowest.get(name, (0.0,))[0]:
            self.slowest[name] = (spent, sent, json.dumps(case)[:300])
        if result is not None:
            self.record(prop, case, *result)

    def record(self, prop, case, signature, message):
        self.counts[signature] = self.counts.get(signature, 0) + 1
        if signature in self.known:
            return
        self.known.add(signature)
        print('[fuzz worker %d] new failure %s; minimising' % (self.index, signature),
              file=sys.stderr, flush=True)
        before = self.env.requests
        small, small_message, tries = self.fr.minimise(self.env, prop, case, signature,
                                                       SHRINK_TRIES, SHRINK_SECONDS)
        self.shrink_requests += self.env.requests - before
        self.found[signature] = {'property': prop.name, 'case': small, 'signature': signature,
                                 'note': (small_message or message)[:600],
                                 'original_size': len(json.dumps(case)),
                                 'shrink_tries': tries}

    def run(self, quota):
        started = last_report = time.time()
        cpu = time.process_time()
        faulthandler.dump_traceback_later(900, repeat=True)  # a hang shows where it is
        gc.collect()
        gc.freeze()  # the fixture and the modules are not garbage: do not scan them each time
        try:
            cases = 0
            while self.explored < quota:
                self.run_case(*self.next_case())
                cases += 1
                if cases % 256 == 0:
                    faulthandler.dump_traceback_later(900, repeat=True)
                    now = time.time()
                    if now - last_report > REPORT_EVERY:
                        last_report = now
                        print('[fuzz worker %d] %d requests (%.0f/s), %d failures, %.0f s' % (
                            self.index, self.explored, self.explored / (now - started),
                            sum(self.counts.values()), now - started), file=sys.stderr,
                            flush=True)
        finally:
            faulthandler.cancel_dump_traceback_later()
            self.env.close()
        return {'requests': self.explored, 'counts': self.counts, 'found': self.found,
                'stats': self.stats, 'wall': time.time() - started,
                'cpu': time.process_time() - cpu, 'shrink_requests': self.shrink_requests,
                'slowest': self.slowest}


def fast_worker(args):
    index, quota, run_seed, names, options, known, corpus = args
    return FastWorker(index, options['processes'], run_seed, names, known, corpus).run(quota)


# ---------------------------------------------------------------------- main ----

def _option(parser, name, default, kind=str, help=''):
    """--name-in-lower-case, defaulting to $NAME (an empty value counts as unset)."""
    value = os.environ.get(name) or default
    parser.add_argument('--' + name.lower().replace('_', '-'), dest=name, type=kind,
                        default=None if value is None else kind(value), help=help)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    _option(parser, 'FUZZ_REQUESTS', 1000000, int, 'requests to send in all')
    _option(parser, 'FUZZ_PROCESSES', os.cpu_count() or 2, int, 'worker processes')
    _option(parser, 'FUZZ_SEED', None, int, 'seed of the run (random if unset)')
    _option(parser, 'FUZZ_MODE', 'fast', str, 'fast or hypothesis')
    _option(parser, 'FUZZ_PROPERTIES', '', str, 'comma-separated property names')
    _option(parser, 'FUZZ_CORPUS', 25, int, 'fast: hypothesis examples per property')
    _option(parser, 'FUZZ_BATCH', 2000, int, 'hypothesis: examples per hypothesis run')
    _option(parser, 'FUZZ_SAVE', '1', str, '0: do not write the regression file')
    options = parser.parse_args(argv)
    if options.FUZZ_MODE not in ('fast', 'hypothesis'):
        parser.error('FUZZ_MODE must be fast or hypothesis, not %r' % options.FUZZ_MODE)
    return options


def merge_regressions(fuzz_props, found, run_seed):
    """Add each new signature's smallest case to the regression file; return how many.

    Harness errors are not saved: they are bugs of the suite, not of bottle.py.
    """
    entries = fuzz_props.load_regressions()
    saved = {entry.get('signature') for entry in entries}
    added = 0
    today = datetime.date.today().isoformat()
    for signature, entry in sorted(found.items()):
        if signature in saved or ': harness error ' in signature:
            continue
        entry = {key: entry[key] for key in ('property', 'case', 'signature', 'note')}
        entry['id'] = 'fuzz-%s-%d' % (today, len(entries) + 1)
        entry['note'] = 'make fuzz, run seed %d: %s' % (run_seed, entry['note'])
        entries.append(entry)
        added += 1
    if added:
        fuzz_props.save_regressions(entries)
    return added


def print_stats(results, wall):
    stats = {}
    for result in results:
        for name, (cases, requests, cpu) in result['stats'].items():
            total = stats.setdefault(name, [0, 0, 0.0])
            total[0] += cases
            total[1] += requests
            total[2] += cpu
    if stats:
        print('%-18s %9s %10s %9s %9s %8s' % ('property', 'cases', 'requests', 'share',
                                            'req/cpu-s', 'slowest'))
        requests = sum(s[1] for s in stats.values()) or 1
        for name, (cases, sent, cpu) in sorted(stats.items()):
            slowest = max((r['slowest'].get(name, (0.0,))[0] for r in results), default=0.0)
            print('%-18s %9d %10d %8.1f%% %9.0f %7.2fs' % (
                name, cases, sent, 100.0 * sent / requests, sent / cpu if cpu else 0, slowest))
    for index, result in enumerate(results):
        print('worker %d: %d requests in %.0f s (%.0f requests/s), %.0f s of CPU (%.0f requests '
              'per CPU second)%s' % (
                  index, result['requests'], result['wall'],
                  result['requests'] / max(result['wall'], 1e-9), result['cpu'],
                  result['requests'] / max(result['cpu'], 1e-9),
                  ', %d more requests minimising' % result['shrink_requests']
                  if result['shrink_requests'] else ''))


def main(argv=None):
    options = parse_args(sys.argv[1:] if argv is None else argv)
    check_module()
    import fuzz_props
    names = [n.strip() for n in options.FUZZ_PROPERTIES.split(',') if n.strip()] or \
        sorted(fuzz_props.PROPERTIES)
    unknown = [n for n in names if n not in fuzz_props.PROPERTIES]
    if unknown:
        sys.exit('Unknown properties %s; known: %s' % (unknown, sorted(fuzz_props.PROPERTIES)))
    run_seed = options.FUZZ_SEED if options.FUZZ_SEED is not None else random.getrandbits(32)
    processes = max(1, options.FUZZ_PROCESSES)
    quota = -(-options.FUZZ_REQUESTS // processes)
    known = sorted(entry.get('signature') for entry in fuzz_props.load_regressions()
                   if entry.get('signature'))
    print('make fuzz: seed %d, mode %s, %d requests in %d processes, properties: %s'
          % (run_seed, options.FUZZ_MODE, options.FUZZ_REQUESTS, processes, ', '.join(names)))
    print('bottle.py: %s' % describe_module(), flush=True)
    started = time.time()
    corpus = {}
    if options.FUZZ_MODE == 'fast' and options.FUZZ_CORPUS > 0:
        corpus = draw_corpus(names, options.FUZZ_CORPUS, run_seed)
        print('seed corpus: %d cases drawn from the hypothesis strategies in %.0f s'
              % (sum(map(len, corpus.values())), time.time() - started), flush=True)
    settings = {'batch': options.FUZZ_BATCH, 'processes': processes}
    worker = fast_worker if options.FUZZ_MODE == 'fast' else hypothesis_worker
    jobs = [(index, quota, run_seed, names, settings, known, corpus)
            for index in range(processes)]
    if processes == 1:
        results = [worker(jobs[0])]
    else:
        with multiprocessing.get_context('spawn').Pool(processes) as pool:
            results = pool.map(worker, jobs)
    wall = time.time() - started
    requests = sum(r['requests'] for r in results)
    counts, found = {}, {}
    for result in results:
        for signature, count in result['counts'].items():
            counts[signature] = counts.get(signature, 0) + count
        for signature, entry in result['found'].items():
            if signature not in found or len(json.dumps(entry['case'])) < \
                    len(json.dumps(found[signature]['case'])):
                found[signature] = entry
    failures = sum(counts.values())
    print('\n%.0f s, seed %d, %d processes, %.0f requests/s per process.' % (
        wall, run_seed, processes, requests / max(wall, 1e-9) / processes))
    print_stats(results, wall)
    if counts:
        print('Failures by signature (count, signature, minimal case):')
        for signature, count in sorted(counts.items(), key=lambda item: -item[1]):
            case = found.get(signature, {}).get('case')
            print('  %7d  %s' % (count, signature))
            if case is not None:
                print('           case: %s' % json.dumps(case)[:400])
    if found:
        os.makedirs(os.path.dirname(FAILURES_FILE), exist_ok=True)
        with open(FAILURES_FILE, 'w', encoding='utf8') as handle:
            json.dump(sorted(found.values(), key=lambda e: e['signature']), handle, indent=1)
        print('Full minimal cases of new failures: %s' % os.path.relpath(FAILURES_FILE))
    if found and options.FUZZ_SAVE != '0':
        added = merge_regressions(fuzz_props, found, run_seed)
        print('%d new failure case(s) saved to %s' % (added, os.path.relpath(
            fuzz_props.REGRESSIONS_FILE)))
    print('%d requests, %d failures' % (requests, failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
