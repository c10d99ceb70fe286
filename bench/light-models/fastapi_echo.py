"""The echo peer: FastAPI with a pydantic model, run by uvicorn, one worker.

    uvicorn fastapi_echo:app --workers 1 --app-dir <this folder>
Prints which event loop and HTTP implementation uvicorn picked, as one JSON line.
"""
import asyncio
import json

from fastapi import FastAPI
from pydantic import BaseModel, StrictStr
from uvicorn.protocols.http.auto import AutoHTTPProtocol


class Echo(BaseModel):
    # Strict, as zod's z.string(): pydantic 1 (Debian 12) would turn 1 into "1".
    text: StrictStr


app = FastAPI()


@app.on_event("startup")
async def report_implementation() -> None:
    loop = type(asyncio.get_running_loop())
    # uvicorn's "auto" HTTP protocol is httptools when it imports, else h11.
    implementation = {"loop": f"{loop.__module__}.{loop.__name__}", "http": AutoHTTPProtocol.__name__}
    print(json.dumps({"uvicorn": implementation}), flush=True)


@app.post("/predict")
async def predict(echo: Echo) -> Echo:
    return Echo(text=echo.text)
