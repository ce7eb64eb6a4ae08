"""The benchmark apps written for Falcon 4, in its idiom: resource classes with responders."""
import falcon
import jinja2

import scenarios as s


def create_app():
    """An app answering every scenario."""
    app = _new_app()
    app.add_route('/hello', _Hello())
    _add_resource_routes(app, '/api/res%d/{item_id:int}', s.DYNAMIC_ROUTE_COUNT)
    app.add_route('/query', _Query())
    app.add_route('/json', _Json())
    app.add_route('/form', _Form())
    app.add_route('/cookie', _Cookie())
    app.add_route('/template', _Template())
    app.add_route('/upload', _Upload())
    return app


def create_routing_app(route_count):
    """The routing app of ``route_count`` routes (``scenarios.route_table``)."""
    app = _new_app()
    for kind, family, rule in s.route_table(route_count):
        app.add_route(_falcon_template(rule), _RoutingResource(kind, family))
    return app


def _falcon_template(rule):
    """A Bottle rule of the routing table in Falcon's syntax: <id:int> is {id:int}."""
    return rule.replace('<', '{').replace('>', '}')


def _new_app():
    return falcon.App(media_type=falcon.MEDIA_HTML)


def _add_resource_routes(app, template, route_count):
    for index in range(route_count):
        app.add_route(template % index, _Resource(index))


class _Hello:
    def on_get(self, req, resp):
        resp.text = s.HELLO_TEXT


class _Resource:
    def __init__(self, index):
        self.index = index

    def on_get(self, req, resp, item_id):
        resp.text = s.resource_text(self.index, item_id)


class _RoutingResource:
    def __init__(self, kind, family):
        self.kind = kind
        self.family = family

    def on_get(self, req, resp, **arguments):
        resp.text = s.route_answer(self.kind, self.family, **arguments)


class _Query:
    def on_get(self, req, resp):
        resp.text = '|'.join([req.get_param(name) for name in s.QUERY_NAMES])


class _Json:
    def on_get(self, req, resp):
        resp.content_type = falcon.MEDIA_JSON
        resp.media = s.JSON_DATA


class _Form:
    def on_post(self, req, resp):
        form = req.get_media()
        resp.text = '|'.join([form.get(name) for name in s.FORM_NAMES])


class _Cookie:
    def on_get(self, req, resp):
        value = req.cookies.get(s.COOKIE_READ)
        # Falcon marks cookies Secure and HttpOnly unless told not to; Bottle does neither.
        resp.set_cookie(*s.COOKIE_SET, max_age=s.COOKIE_MAX_AGE, path=s.COOKIE_PATH,
                        secure=False, http_only=False)
        resp.text = value


class _Template:
    def __init__(self):
        environment = jinja2.Environment(autoescape=True, **s.JINJA_OPTIONS)
        self.template = environment.from_string(s.JINJA_SOURCE)

    def on_get(self, req, resp):
        resp.text = self.template.render(rows=s.TEMPLATE_ROWS)


class _Upload:
    def on_post(self, req, resp):
        for part in req.get_media():
            if part.name == s.UPLOAD_FIELD:
                sink = s.UploadSink()
                part.stream.pipe(sink)
                resp.text = sink.report(part.filename)
