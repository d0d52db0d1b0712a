"""Worker entry: `python -m worker` listens on the judge, default and maintenance queues."""

from __future__ import annotations

import logging
import os
import socket

from rq import Worker

from app import create_app
from app.stores import QUEUE_NAMES, get_redis

log = logging.getLogger("codedev.worker")


def main() -> None:
    """Run one RQ worker inside an app context so jobs can use the models."""
    app = create_app()
    with app.app_context():
        connection = get_redis(app)
        name = f"{socket.gethostname()}-{os.getpid()}"
        worker = Worker(list(QUEUE_NAMES), connection=connection, name=name)
        log.info("worker %s listening on %s", name, ", ".join(QUEUE_NAMES))
        worker.work(with_scheduler=True)


if __name__ == "__main__":
    main()
