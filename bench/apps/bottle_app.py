"""The benchmark apps written against Bottle's interface: used for ours and for Bottle 0.13.4."""
import scenarios as s


def create_app(bottle):
    """An app answering every scenario, built with the Bottle-compatible module ``bottle``."""
    app = _new_app(bottle)
    request, response = bottle.request, bottle.response

    @app.get('/hello')
    def hello():
        return s.HELLO_TEXT

    _add_resource_routes(app, '/api/res%d/<item_id:int>', s.DYNAMIC_ROUTE_COUNT)

    @app.get('/query')
    def query():
        return '|'.join([request.query.get(name) for name in s.QUERY_NAMES])

    @app.get('/json')
    def json():
        return s.JSON_DATA

    @app.post('/form')
    def form():
        return '|'.join([request.forms.get(name) for name in s.FORM_NAMES])

    @app.get('/cookie')
    def cookie():
        value = request.get_cookie(s.COOKIE_READ)
        response.set_cookie(*s.COOKIE_SET, max_age=s.COOKIE_MAX_AGE, path=s.COOKIE_PATH)
        return value

    @app.get('/template')
    def template():
        return bottle.template(s.STPL_SOURCE, rows=s.TEMPLATE_ROWS)

    @app.post('/upload')
    def upload():
        upload = request.files.get(s.UPLOAD_FIELD)
        sink = s.UploadSink()
        upload.save(sink)
        return sink.report(upload.raw_filename)

    return app


def create_routing_app(bottle, route_count):
    """The routing app of ``route_count`` routes (``scenarios.route_table``)."""
    app = _new_app(bottle)
    for kind, family, rule in s.route_table(route_count):
        app.route(rule, callback=_routing_handler(kind, family))
    return app


def _new_app(bottle):
    app = bottle.Bottle()
    app.config['catchall'] = False  # exceptions reach the harness, which reports them
    return app


def _add_resource_routes(app, rule, route_count):
    for index in range(route_count):
        app.route(rule % index, callback=_resource_handler(index))


def _resource_handler(index):
    def resource(item_id):
        return s.resource_text(index, item_id)
    return resource


def _routing_handler(kind, family):
    def handler(**arguments):
        return s.route_answer(kind, family, **arguments)
    return handler
