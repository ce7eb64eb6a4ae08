"""The long fuzz run (``make fuzz``): the properties of test/fuzz_props.py, far longer.

Several worker processes run every property in turn, each batch under a new
hypothesis seed derived from the run's seed (printed at the start, so a run can
be repeated with ``FUZZ_SEED``), until the requested number of requests has
been sent. A failure with a new signature (oracle and cause) is shrunk by
hypothesis to a minimal case and saved in ``test/fuzz_regressions.json``, which
the quick suite (``test/test_fuzz.py``) replays; later failures with a known
signature are counted but not shrunk again, so the run keeps exploring.

The last line is ``N requests, K failures``; the exit status is 1 if K > 0.

Parameters (environment variables, or the command-line options of the same name):

=================  =============================================  ============
FUZZ_REQUESTS      requests to send in all (template renderings    1000000
                   count as requests)
FUZZ_PROCESSES     worker processes                                CPU count
FUZZ_SEED          the run's seed                                  random
FUZZ_PROPERTIES    comma-separated property names                  all
FUZZ_BATCH         examples per hypothesis run                     2000
FUZZ_SAVE          0: do not write the regression file             1
=================  =============================================  ============
"""
import argparse
import datetime
import json
import multiprocessing
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

FAILURES_FILE = os.path.join(os.path.dirname(HERE), 'build', 'fuzz-failures.json')
# Examples each property gets per round, relative to one batch (any_request sends every
# example to all routes; templates are the slowest, a worker process round trip each).
WEIGHTS = {'templates': 0.5}


def _settings(max_examples):
    from hypothesis import HealthCheck, Phase, settings
    return settings(max_examples=max_examples, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=False,
                    phases=(Phase.generate, Phase.shrink), report_multiple_bugs=True)


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


def worker(args):
    """Run properties until ``quota`` requests were sent; return counts and new failures."""
    index, quota, run_seed, names, batch, known = args
    import fuzz_props
    env = fuzz_props.FuzzEnvironment()
    known, counts, found = set(known), {}, {}
    rng = random.Random('%s-%d' % (run_seed, index))
    started = last_report = time.time()
    try:
        while env.requests < quota:
            for name in names:
                if env.requests >= quota:
                    break
                examples = max(1, int(batch * WEIGHTS.get(name, 1.0)))
                _run_batch(env, fuzz_props.PROPERTIES[name], rng.getrandbits(64), examples,
                           known, counts, found)
                if time.time() - last_report > 60:
                    last_report = time.time()
                    print('[fuzz worker %d] %d requests, %d failures, %.0f s' % (
                        index, env.requests, sum(counts.values()), last_report - started),
                        file=sys.stderr, flush=True)
    finally:
        requests = env.requests
        env.close()
    return requests, counts, found


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
    _option(parser, 'FUZZ_PROPERTIES', '', str, 'comma-separated property names')
    _option(parser, 'FUZZ_BATCH', 2000, int, 'examples per hypothesis run')
    _option(parser, 'FUZZ_SAVE', '1', str, '0: do not write the regression file')
    return parser.parse_args(argv)


def merge_regressions(fuzz_props, found, run_seed):
    """Add each new signature's smallest case to the regression file; return how many."""
    entries = fuzz_props.load_regressions()
    saved = {entry.get('signature') for entry in entries}
    added = 0
    today = datetime.date.today().isoformat()
    for signature, entry in sorted(found.items()):
        if signature in saved:
            continue
        entry = dict(entry)
        entry['id'] = 'fuzz-%s-%d' % (today, len(entries) + 1)
        entry['note'] = 'make fuzz, run seed %d: %s' % (run_seed, entry['note'])
        del entry['seed']
        entries.append(entry)
        added += 1
    if added:
        fuzz_props.save_regressions(entries)
    return added


def main(argv=None):
    options = parse_args(sys.argv[1:] if argv is None else argv)
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
    print('make fuzz: seed %d, %d requests in %d processes, properties: %s'
          % (run_seed, options.FUZZ_REQUESTS, processes, ', '.join(names)), flush=True)
    started = time.time()
    jobs = [(index, quota, run_seed, names, options.FUZZ_BATCH, known)
            for index in range(processes)]
    if processes == 1:
        results = [worker(jobs[0])]
    else:
        with multiprocessing.get_context('spawn').Pool(processes) as pool:
            results = pool.map(worker, jobs)
    requests = sum(r[0] for r in results)
    counts, found = {}, {}
    for _, worker_counts, worker_found in results:
        for signature, count in worker_counts.items():
            counts[signature] = counts.get(signature, 0) + count
        for signature, entry in worker_found.items():
            if signature not in found or len(json.dumps(entry['case'])) < \
                    len(json.dumps(found[signature]['case'])):
                found[signature] = entry
    failures = sum(counts.values())
    print('\n%.0f s, seed %d.' % (time.time() - started, run_seed))
    if counts:
        print('Failures by signature (count, signature, minimal case):')
        for signature, count in sorted(counts.items(), key=lambda item: -item[1]):
            case = found.get(signature, {}).get('case')
            print('  %7d  %s' % (count, signature))
            if case is not None:
                print('           case: %s' % json.dumps(case)[:400])
    if found:
        os.makedirs(os.path.join(os.path.dirname(HERE), 'build'), exist_ok=True)
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
