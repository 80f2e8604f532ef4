#!/usr/bin/env python3
"""The WPT server for aworker-wpt: wptserve (from PyPI) configured as the tests expect.

The runner starts this script, reads one line `aworker-wpt-serve ready {json}` from its stdout
(the ports it chose), and closes our stdin to stop it: when stdin ends, the servers and the
stash process shut down, so a runner that dies leaves nothing behind.

What the tests need, and where it is set up below:
- two HTTP ports on loopback, `{{ports[http][0]}}` for the test's origin and
  `{{ports[http][1]}}` for "other origin" tests;
- WPT's host names (`{{host}}`, `{{domains[www1]}}`, `{{hosts[alt][]}}`): the default
  `web-platform.test` and its subdomains; the runtime resolves them all to 127.0.0.1;
- the stash (a key-value store shared between requests), which many `.py` handlers use;
- the WPT root on `sys.path`, since handlers import each other as modules.
- `/resources/WebIDLParser.js`, a symlink upstream that the subset lacks;
- a WebSocket server (pywebsocket3, which wptserve depends on) on `{{ports[ws][0]}}`, with
  the handlers in `websockets/handlers/`.
TLS and HTTP/2 servers are not started: tests that need them are skipped or fail with a
reason in wpt/expectations/.
"""

import argparse
import importlib.util
import json
import logging
import os
import sys
import threading
import types
import uuid

from wptserve import config as wptconfig
from wptserve import handlers, server, stash
from wptserve.routes import routes
from wptserve.utils import get_port

BROWSER_HOST = "web-platform.test"
ALT_HOST = "not-web-platform.test"
SUBDOMAINS = {"www", "www1", "www2", "天気の良い日", "élève"}
NOT_SUBDOMAINS = {"nonexistent"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the WPT checkout to serve")
    parser.add_argument("--bind", default="127.0.0.1", help="the address to listen on")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser.parse_args()


def install_tools_shim(root):
    """Provides `tools.wpt.utils.load_source`, which some handlers import, when the checkout
    has no `tools/` folder (the subset in shared/ has none)."""
    if os.path.isdir(os.path.join(root, "tools")):
        return

    def load_source(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    for name in ("tools", "tools.wpt"):
        sys.modules.setdefault(name, types.ModuleType(name))
    utils = types.ModuleType("tools.wpt.utils")
    utils.load_source = load_source
    sys.modules["tools.wpt.utils"] = utils


class ConfigBuilder(wptconfig.ConfigBuilder):
    """wptserve's builder, keeping port numbers for the servers we do not start.

    Test files substitute `{{ports[https][0]}}` and the like whether or not they use them,
    and wptserve drops the TLS schemes when TLS is off; a missing one fails the whole file.
    Free ports with nothing listening make those URLs fail to connect, as they should.
    """

    UNSERVED = {"https": 2, "wss": 1, "h2": 1, "webtransport-h3": 1}

    def _get_ports(self, data):
        ports = super()._get_ports(data)
        for scheme, count in self.UNSERVED.items():
            if not ports.get(scheme):
                ports[scheme] = [get_port("") for _ in range(count)]
        return ports


def build_config(root, bind, logger):
    builder = ConfigBuilder(
        logger,
        subdomains=SUBDOMAINS,
        not_subdomains=NOT_SUBDOMAINS,
        browser_host=BROWSER_HOST,
        alternate_hosts={"alt": ALT_HOST},
        server_host=bind,
        doc_root=root,
        # "auto" lets wptserve pick free ports, as WPT's own `wpt serve` does.
        ports={"http": ["auto", "auto"], "ws": ["auto"]},
        logging={"level": "debug" if logger.isEnabledFor(logging.DEBUG) else "warning"},
    )
    # Entering the builder computes the derived fields (domains, real ports).
    return builder.__enter__()


def with_upstream_symlinks(root):
    """The default routes, plus the files upstream WPT provides as symlinks, which the shared
    subset dropped: `resources/WebIDLParser.js` (idlharness.js's parser) is webidl2.js."""
    parser = os.path.join(root, "resources", "webidl2", "lib", "webidl2.js")
    if not os.path.isfile(parser):
        return routes

    @handlers.handler
    def webidl_parser(request, response):
        with open(parser, "rb") as source:
            return [("Content-Type", "text/javascript; charset=utf-8")], source.read()

    return [("GET", "/resources/WebIDLParser.js", webidl_parser)] + routes


def start_websocket_server(root, bind, port):
    """pywebsocket3's server on `port` with WPT's `*_wsh.py` handlers, or None when the
    checkout has no `websockets/handlers/`."""
    handlers = os.path.join(root, "websockets", "handlers")
    if not os.path.isdir(handlers):
        return None
    from pywebsocket3 import standalone
    from pywebsocket3.websocket_server import WebSocketServer

    options, _ = standalone._parse_args_and_config(
        ["--server-host", bind, "--port", str(port), "--document-root", root,
         "--websock-handlers", handlers])
    # No CGI: the handlers are Python modules only.
    options.cgi_directories = []
    options.is_executable_method = None
    ws = WebSocketServer(options)
    threading.Thread(target=ws.serve_forever, daemon=True).start()
    return ws


def main():
    args = parse_args()
    root = os.path.abspath(args.root)

    # wptserve logs every request to the root logger; keep it to warnings unless asked.
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="wptserve: %(message)s")
    logger = logging.getLogger()

    sys.path.insert(0, root)
    install_tools_shim(root)
    config = build_config(root, args.bind, logger)

    with stash.StashServer(None, authkey=uuid.uuid4().hex):
        servers = [
            server.WebTestHttpd(host=args.bind, port=port, doc_root=root,
                                routes=with_upstream_symlinks(root),
                                config=config, bind_address=True)
            for port in config.ports["http"]
        ]
        for httpd in servers:
            httpd.start()
        ws = start_websocket_server(root, args.bind, config.ports["ws"][0])

        ready = {scheme: list(ports) for scheme, ports in config.ports.items()}
        ready["http"] = [httpd.port for httpd in servers]
        print("aworker-wpt-serve ready " + json.dumps(ready), flush=True)

        # Serve until the runner closes our stdin (or dies).
        try:
            sys.stdin.read()
        except KeyboardInterrupt:
            pass
        for httpd in servers:
            httpd.stop()
        if ws is not None:
            ws.shutdown()


if __name__ == "__main__":
    main()
