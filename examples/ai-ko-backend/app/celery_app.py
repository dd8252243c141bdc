import os

from celery import Celery, Task


class FlaskTask(Task):
    """Runs every task inside an application context so tasks can use db.session."""

    _flask_app = None

    def __call__(self, *args, **kwargs):
        if FlaskTask._flask_app is None:
            from app import create_app

            FlaskTask._flask_app = create_app()
        with FlaskTask._flask_app.app_context():
            return self.run(*args, **kwargs)


celery = Celery(
    "ai_ko",
    broker=os.environ["REDIS_URL"],
    backend=os.environ["REDIS_URL"],
    include=["app.tasks"],
    task_cls=FlaskTask,
)
celery.conf.update(
    task_serializer="json",
    result_expires=3600,
    task_time_limit=600,
    worker_prefetch_multiplier=1,
    # Summarisation leaks memory slowly in long-lived processes; recycle children.
    worker_max_tasks_per_child=50,
)
