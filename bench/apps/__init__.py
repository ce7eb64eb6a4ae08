"""One module per framework, each building the benchmark's apps.

Every module offers ``create_app()`` (every scenario of ``scenarios.py`` on one app) and
``create_routing_app(route_count)`` (only ``route_count`` dynamic routes, for the routing scale
scenarios). ``bottle_app`` serves ours and Bottle 0.13.4 alike and takes the module as its first
argument. The apps answer with the exact bytes ``scenarios.py`` prescribes.
"""
