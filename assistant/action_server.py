"""The Rasa action server, in one process.

``python -m rasa_sdk`` serves through Sanic's multi-process worker manager: a main
process, a multiprocessing manager process and one worker. That manager's monitor
loop races with its own shared state: once in a CI run it read a worker's state as
``None`` and died with ``AttributeError: 'NoneType' object has no attribute 'get'``
(sanic/worker/manager.py ``_sync_states``), taking the action server down mid-run.
rasa-sdk runs one worker anyway, so this entry point serves the very same app
(rasa_sdk's ``create_app_for_serve``: its routes, listeners and plugins) with
``single_process=True``: no manager, no monitor, and SIGTERM stops it cleanly.

    python -m assistant.action_server --actions actions --port 5055
"""

from __future__ import annotations

import argparse
import logging
import os
from functools import partial

from rasa_sdk import utils
from rasa_sdk.constants import DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic
from sanic.worker.loader import AppLoader

log = logging.getLogger(__name__)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions", help="the package whose actions are served")
    parser.add_argument("--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument("--loglevel", default=os.environ.get("LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.update_sanic_log_level()

    executor = ActionExecutor()
    executor.register_package(args.actions)
    loader = AppLoader(factory=partial(create_app_for_serve, executor, cors_origins="*"))
    app = loader.load()
    host = os.environ.get("SANIC_HOST", "0.0.0.0")  # rasa-sdk's own default and variable
    app.prepare(host=host, port=args.port, single_process=True, motd=False, access_log=False)
    log.info("action server listening on http://%s:%s", host, args.port)
    Sanic.serve_single(primary=app)


if __name__ == "__main__":
    main()
