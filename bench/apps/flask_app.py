"""The benchmark apps written for Flask 3."""
import flask
import jinja2
from flask.json.provider import DefaultJSONProvider

import scenarios as s


def create_app():
    """An app answering every scenario."""
    app = _new_app()
    request = flask.request

    @app.get('/hello')
    def hello():
        return s.HELLO_TEXT

    _add_resource_routes(app, '/api/res%d/<int:item_id>', s.DYNAMIC_ROUTE_COUNT)

    @app.get('/query')
    def query():
        return '|'.join([request.args.get(name) for name in s.QUERY_NAMES])

    @app.get('/json')
    def json():
        return s.JSON_DATA

    @app.post('/form')
    def form():
        return '|'.join([request.form.get(name) for name in s.FORM_NAMES])

    @app.get('/cookie')
    def cookie():
        response = flask.make_response(request.cookies.get(s.COOKIE_READ))
        response.set_cookie(*s.COOKIE_SET, max_age=s.COOKIE_MAX_AGE, path=s.COOKIE_PATH)
        return response

    @app.get('/template')
    def template():
        return flask.render_template('rows.html', rows=s.TEMPLATE_ROWS)

    @app.post('/upload')
    def upload():
        upload = request.files[s.UPLOAD_FIELD]
        sink = s.UploadSink()
        upload.save(sink)
        return sink.report(upload.filename)

    return app


def create_routing_app(route_count):
    """The routing app of ``route_count`` routes (``scenarios.route_table``)."""
    app = _new_app()
    for index, (kind, family, rule) in enumerate(s.route_table(route_count)):
        app.add_url_rule(_flask_rule(rule), 'route%d' % index, _routing_handler(kind, family))
    return app


def _flask_rule(rule):
    """A Bottle rule of the routing table in Flask's syntax: <id:int> is <int:id>."""
    return rule.replace('<id:int>', '<int:id>')


def _routing_handler(kind, family):
    def handler(**arguments):
        return s.route_answer(kind, family, **arguments)
    return handler


class _PlainJSONProvider(DefaultJSONProvider):
    """Flask's JSON responses with json.dumps' own layout, the bytes Bottle sends.

    The default provider sorts keys, drops spaces and appends a newline.
    """
    sort_keys = False

    def response(self, *args, **kwargs):
        data = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(self.dumps(data), mimetype=self.mimetype)


def _new_app():
    app = flask.Flask(__name__)
    app.config['PROPAGATE_EXCEPTIONS'] = True  # exceptions reach the harness, which reports them
    app.json = _PlainJSONProvider(app)
    templates = jinja2.DictLoader({'rows.html': s.JINJA_SOURCE})
    app.jinja_options = dict(s.JINJA_OPTIONS, loader=templates)
    return app


def _add_resource_routes(app, rule, route_count):
    for index in range(route_count):
        app.add_url_rule(rule % index, 'res%d' % index, _resource_handler(index))


def _resource_handler(index):
    def resource(item_id):
        return s.resource_text(index, item_id)
    return resource
