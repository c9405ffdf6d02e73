"""The baseline: a bare Flask app with one JSON endpoint, served by the same gunicorn config as every subject.

A subject's requests/s divided by this one's, measured in the same run, is the figure speed targets use.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/ping")
def ping():
    return {"status": "ok"}
