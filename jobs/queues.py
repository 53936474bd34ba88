"""The queues, and how work is put on them."""

import time
from dataclasses import dataclass

import redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Callback, Job, JobStatus

from compraagil import request_ids
from compraagil.metrics import JOB_SECONDS
from compraagil.redis_client import get_redis

ML = "ml"
SCRAPING = "scraping"
EXPORTS = "exports"
ALERTS = "alerts"
DEFAULT = "default"
QUEUE_NAMES = (ALERTS, EXPORTS, DEFAULT, SCRAPING, ML)
"""By priority (a worker takes from the first queue that has a job): what people wait for first;
imports next; ML last, so an embedding backfill never starves alerts or exports."""

NETWORK_RETRY = Retry(max=3, interval=[30, 120, 600])
"""Retries with backoff for anything that talks to a service outside our walls."""
LONG_JOB_TIMEOUT = 3600
"""Seconds an import may take (a month is several million rows)."""
EXPORT_RETRY = Retry(max=2, interval=[5, 30])
"""An export someone is waiting for: tried again soon."""
EXPORT_TIMEOUT = 600
REQUEST_ID_META = "request_id"
PROGRESS_META = "progress"
"""The job meta key where a job a page follows reports its percentage done (0–100)."""
DRAFT_META = "draft"
"""The job meta key where a proposal job puts the text written so far (Gemini streams it)."""


class TracedJob(Job):
    """A job that runs under the request id it was enqueued with (its logs carry it), timed into
    `compraagil_job_duration_seconds` by queue, task and outcome."""

    def perform(self) -> object:
        started, outcome = time.perf_counter(), "failed"
        try:
            with request_ids.bound(self.meta.get(REQUEST_ID_META)):
                result = super().perform()
            outcome = "ok"
            return result
        finally:
            task = ".".join((self.func_name or "").split(".")[-2:])  # module.function: «exports.build»
            JOB_SECONDS.labels(self.origin, task, outcome).observe(time.perf_counter() - started)


class TracedQueue(Queue):
    """A queue whose jobs remember the request id current when they were enqueued."""

    job_class = TracedJob

    def enqueue_call(self, *args, **kwargs) -> Job:
        request_id = request_ids.current()
        if request_id:
            kwargs["meta"] = {**(kwargs.get("meta") or {}), REQUEST_ID_META: request_id}
        return super().enqueue_call(*args, **kwargs)


def get_queue(name: str) -> Queue:
    """The named queue on the configured Redis."""
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}; expected one of {', '.join(QUEUE_NAMES)}")
    return TracedQueue(name, connection=get_redis())


def enqueue_with_retry(task: str, queue: str, *args: object) -> Job:
    """Enqueue `task` (dotted path) with network retries and the long timeout imports need."""
    return get_queue(queue).enqueue(task, *args, retry=NETWORK_RETRY, job_timeout=LONG_JOB_TIMEOUT)


def dispatch(task: str, queue: str) -> str:
    """What a periodic entry runs: put the real task on its queue, with retries; returns its job id."""
    return enqueue_with_retry(task, queue).id


def enqueue_export(export_id: str) -> Job:
    """Build an Excel export on its queue, under the export's id, retried, with its failure callback."""
    return get_queue(EXPORTS).enqueue(
        "jobs.tasks.exports.build",
        export_id,
        job_id=export_id,
        retry=EXPORT_RETRY,
        job_timeout=EXPORT_TIMEOUT,
        on_failure=Callback("jobs.tasks.exports.on_failure"),
    )


def enqueue_proposal(proposal_id: str) -> Job:
    """Write a proposal on the exports queue (people wait for it), under its id, retried, with its
    failure callback."""
    return get_queue(EXPORTS).enqueue(
        "jobs.tasks.proposals.write",
        proposal_id,
        job_id=proposal_id,
        retry=EXPORT_RETRY,
        job_timeout=EXPORT_TIMEOUT,
        on_failure=Callback("jobs.tasks.proposals.on_failure"),
    )


QUEUED, RUNNING, DONE, FAILED, UNKNOWN = "en_cola", "en_curso", "lista", "fallida", "desconocida"


@dataclass(frozen=True)
class JobProgress:
    """What a page shows of a job it follows: one of QUEUED, RUNNING, DONE, FAILED, UNKNOWN, and its percentage."""

    state: str
    percent: int

    @property
    def over(self) -> bool:
        return self.state in (DONE, FAILED, UNKNOWN)


def job_progress(job_id: str) -> JobProgress:
    """The state and percentage of a job (UNKNOWN when Redis no longer has it)."""
    try:
        job = Job.fetch(job_id, connection=get_redis())
    except NoSuchJobError:
        return JobProgress(UNKNOWN, 0)
    status = job.get_status()
    percent = int(job.meta.get(PROGRESS_META, 0))
    if status == JobStatus.FINISHED:
        return JobProgress(DONE, 100)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return JobProgress(FAILED, percent)
    if status == JobStatus.QUEUED and not percent:
        return JobProgress(QUEUED, 0)
    return JobProgress(RUNNING, percent)


def queue_figures() -> dict[tuple[str, str], int]:
    """Jobs per (queue, state): queued, started, scheduled, deferred, failed, finished (kept a while);
    empty when Redis does not answer."""
    figures = {}
    try:
        for name in QUEUE_NAMES:
            queue = get_queue(name)
            figures[(name, "queued")] = queue.count
            for state, registry in (
                ("started", queue.started_job_registry),
                ("scheduled", queue.scheduled_job_registry),
                ("deferred", queue.deferred_job_registry),
                ("failed", queue.failed_job_registry),
                ("finished", queue.finished_job_registry),
            ):
                figures[(name, state)] = registry.count
    except redis.RedisError:
        return {}
    return figures


def job_draft(job_id: str) -> str:
    """The text a proposal job has written so far ("" when none or gone)."""
    try:
        return str(Job.fetch(job_id, connection=get_redis()).meta.get(DRAFT_META, ""))
    except NoSuchJobError:
        return ""
