"""A fake of AstrologyAPI.com's Vedic endpoints and Open-Meteo's forecast and geocoding, for the replica tests and
the chat-turn benchmark: their wire formats (HTTP Basic auth; planets with `isRetro` as a boolean or a string; unpadded
dasha dates with two spaces), a call count per endpoint at GET /stats, and POST /control {"delay_ms": N} to make
astrology answers slow (so that replicas miss together)."""
import base64
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USER, KEY = "astro-user", "astro-test-key"
PLANETS = [
    {"name": "Sun", "fullDegree": 317.63, "normDegree": 17.63, "isRetro": "false", "sign": "Aquarius", "nakshatra": "Shatabhisha", "house": 1},
    {"name": "Moon", "fullDegree": "46.1", "normDegree": "16.1", "isRetro": False, "sign": "Taurus", "nakshatra": "Rohini", "house": 4},
    {"name": "Mercury", "fullDegree": 302.9, "normDegree": 2.9, "isRetro": "true", "sign": "Aquarius", "nakshatra": "Dhanishta", "house": 1},
    {"name": "Jupiter", "fullDegree": 204.5, "normDegree": 24.5, "isRetro": True, "sign": "Libra", "nakshatra": "Vishakha", "house": 9},
    {"name": "Ascendant", "fullDegree": 306.96, "normDegree": 6.96, "isRetro": False, "sign": "Aquarius", "nakshatra": "Shatabhisha", "house": 1},
]
DASHA = {"major": {"planet": "Jupiter", "start": "3-7-2016  0:31", "end": "3-7-2032  12:31"},
         "minor": {"planet": "Mercury", "start": "9-4-2025  4:7", "end": "14-7-2027  19:55"}}
FORECAST = {"latitude": 18.52, "longitude": 73.86, "timezone": "Asia/Kolkata",
            "current": {"time": "2026-12-01T17:00", "temperature_2m": 24.6, "relative_humidity_2m": 48,
                        "apparent_temperature": 24.1, "weather_code": 2, "wind_speed_10m": 7.9},
            "daily": {"time": ["2026-12-01", "2026-12-02", "2026-12-03"], "weather_code": [2, 61, 0],
                      "temperature_2m_max": [29.8, 27.1, 30.2], "temperature_2m_min": [14.9, 16.0, 15.2],
                      "precipitation_probability_max": [5, 70, None]}}
PLACES = {"pune": {"name": "Pune", "latitude": 18.51957, "longitude": 73.85535, "timezone": "Asia/Kolkata", "country": "India", "country_code": "IN"}}

lock = threading.Lock()
counts = {}
delay = {"ms": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def count(self, endpoint):
        with lock:
            counts[endpoint] = counts.get(endpoint, 0) + 1

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/stats":
            with lock:
                return self.answer(200, dict(counts))
        if url.path == "/v1/search":
            self.count("search")
            name = urllib.parse.parse_qs(url.query).get("name", [""])[0].lower()
            if name in PLACES:
                return self.answer(200, {"results": [PLACES[name]], "generationtime_ms": 0.5})
            return self.answer(200, {"generationtime_ms": 0.5})
        if url.path == "/v1/forecast":
            self.count("forecast")
            query = urllib.parse.parse_qs(url.query)
            if "latitude" not in query or "longitude" not in query:
                return self.answer(400, {"error": True, "reason": "Parameter 'latitude' is required"})
            return self.answer(200, FORECAST)
        self.answer(404, {"error": True, "reason": "Not Found"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path == "/control":
            delay["ms"] = int(body.get("delay_ms", 0))
            return self.answer(200, {"delay_ms": delay["ms"]})
        endpoint = self.path.rsplit("/", 1)[-1]
        if endpoint not in ("planets", "current_vdasha"):
            return self.answer(404, {"status": False, "msg": "Not Found"})
        self.count(endpoint)
        expected = "Basic " + base64.b64encode(f"{USER}:{KEY}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.answer(401, {"status": False, "msg": "You are not authorized to access the API"})
        if any(field not in body for field in ("day", "month", "year", "hour", "min", "lat", "lon", "tzone")):
            return self.answer(400, {"status": False, "msg": "birth details are required"})
        time.sleep(delay["ms"] / 1000)
        self.answer(200, PLANETS if endpoint == "planets" else DASHA)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
