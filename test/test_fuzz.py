"""Hostile input, the quick way: hypothesis properties with a fixed seed (issue 14).

Each test runs one property of ``test/fuzz_props.py`` (its docstring says
what it claims) for a bounded number of examples against the fuzz app
(``test/fuzz_app.py``), with every general oracle checked on every answer.
``make fuzz`` (``test/fuzz.py``) runs the same properties far longer; every
failure it finds is minimised and saved in ``test/fuzz_regressions.json``,
which :func:`test_saved_failure_case_holds` replays here.

Set ``FUZZ_QUICK_SCALE`` (a float, default 1) to scale the example counts.
"""
import os

import pytest

pytest.importorskip('hypothesis', reason='hypothesis is in test/requirements.txt: '
                                         'pip install -r test/requirements.txt')

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

import fuzz_props  # noqa: E402

SEED = 20261124
SCALE = float(os.environ.get('FUZZ_QUICK_SCALE', '1'))


@pytest.fixture(scope='module')
def fuzz_env():
    env = fuzz_props.FuzzEnvironment()
    try:
        yield env
    finally:
        env.close()


def run_property(env, name):
    """Run property ``name`` with the fixed seed; hypothesis shrinks any failure it finds."""
    prop = fuzz_props.PROPERTIES[name]

    @settings(max_examples=max(1, int(prop.quick_examples * SCALE)), database=None,
              deadline=None, suppress_health_check=list(HealthCheck), print_blob=False,
              phases=(Phase.explicit, Phase.generate, Phase.shrink))
    @seed(SEED)
    @given(prop.strategy)
    def check(case):
        prop.check(env, fuzz_props.normalise_case(case))

    check()


def test_any_request_passes_the_general_oracles(fuzz_env):
    run_property(fuzz_env, 'any_request')


def test_query_string_reaches_request_query_unchanged(fuzz_env):
    run_property(fuzz_env, 'query')


def test_urlencoded_body_reaches_request_forms_unchanged(fuzz_env):
    run_property(fuzz_env, 'urlencoded_form')


def test_multipart_fields_and_uploads_arrive_unchanged(fuzz_env):
    run_property(fuzz_env, 'multipart')


def test_broken_multipart_is_a_client_error(fuzz_env):
    run_property(fuzz_env, 'multipart_broken')


def test_json_body_arrives_unchanged_and_deep_nesting_is_400(fuzz_env):
    run_property(fuzz_env, 'json')


def test_chunked_body_is_decoded_or_refused_within_bounds(fuzz_env):
    run_property(fuzz_env, 'chunked')


def test_body_dechunked_by_the_server_is_read_to_its_end(fuzz_env):
    run_property(fuzz_env, 'input_terminated')


def test_wrong_content_length_gives_prefix_or_client_error(fuzz_env):
    run_property(fuzz_env, 'content_length')


def test_cookies_round_trip_and_any_cookie_header_is_harmless(fuzz_env):
    run_property(fuzz_env, 'cookies')


def test_request_url_and_auth_survive_any_headers(fuzz_env):
    run_property(fuzz_env, 'request_headers')


def test_header_set_by_the_app_is_sent_as_is_or_refused(fuzz_env):
    run_property(fuzz_env, 'set_header')


def test_redirect_to_any_target_sends_a_valid_location(fuzz_env):
    run_property(fuzz_env, 'redirect')


def test_static_file_serves_only_files_inside_its_root(fuzz_env):
    run_property(fuzz_env, 'static_files')


def test_route_filters_convert_wildcards_and_urls_route_back(fuzz_env):
    run_property(fuzz_env, 'route_filters')


def test_templates_from_any_source_compile_or_fail_cleanly_in_time(fuzz_env):
    run_property(fuzz_env, 'templates')


def test_every_property_has_a_test():
    tested = {'any_request', 'query', 'urlencoded_form', 'multipart', 'multipart_broken', 'json',
              'chunked', 'input_terminated', 'content_length', 'cookies', 'request_headers',
              'set_header', 'redirect', 'static_files', 'route_filters', 'templates'}
    assert set(fuzz_props.PROPERTIES) == tested


REGRESSIONS = fuzz_props.load_regressions()


@pytest.mark.parametrize('entry', REGRESSIONS, ids=[entry['id'] for entry in REGRESSIONS])
def test_saved_failure_case_holds(fuzz_env, entry):
    """A case that once failed (found by ``make fuzz`` or from issue 14) now passes."""
    fuzz_props.replay(fuzz_env, entry)
