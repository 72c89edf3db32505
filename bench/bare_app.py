"""The ingest baseline: a bare FastAPI app with the same request models and answers as
``POST /v1/events`` and ``/v1/events/batch``, but no key check and no database. Served by
uvicorn exactly as ``asyncevents-svc api`` serves the real one.

    python -m bench.bare_app PORT
"""

from __future__ import annotations

import sys
import uuid

import uvicorn
from fastapi import FastAPI, status

from asyncevents_svc.db.types import utcnow
from asyncevents_svc.events.schemas import (
    BatchItemResult,
    EventAccepted,
    EventBatchIn,
    EventBatchResult,
    EventIn,
)

app = FastAPI()


@app.post("/v1/events", status_code=status.HTTP_202_ACCEPTED, response_model=EventAccepted)
async def publish(body: EventIn) -> EventAccepted:
    return EventAccepted(
        id=uuid.uuid4(), event_name=body.event_name, status="accepted", received_at=utcnow(), duplicate=False
    )


@app.post("/v1/events/batch", status_code=status.HTTP_202_ACCEPTED, response_model=EventBatchResult)
async def publish_batch(body: EventBatchIn) -> EventBatchResult:
    results = [BatchItemResult(index=i, status=202, id=uuid.uuid4()) for i in range(len(body.events))]
    return EventBatchResult(accepted=len(results), rejected=0, results=results)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False)
