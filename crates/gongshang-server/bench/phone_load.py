#!/usr/bin/env python3
"""Page weights and load times on a throttled phone (issue 13).

Each role's daily pages, loaded in headless Chromium at 390x844 over a
throttled link (by default Lighthouse's "slow 4G": 150 ms round trip,
1.6 Mbit/s down, 750 kbit/s up), after signing in as that role's demo login.
For each page: the bytes transferred (compressed, what the link carries), the
bytes decoded (what the browser unpacks), the number of requests, and the time
to first byte, to DOMContentLoaded and to the load event, cold (empty cache)
and warm (the second visit, assets cached).

Usage:
  gongshang demo --db /tmp/phone.db --addr 127.0.0.1:8097 &   # or any server
  chromedriver --port=9515 &
  python3 crates/gongshang-server/bench/phone_load.py [--base http://127.0.0.1:8097]
      [--driver http://127.0.0.1:9515] [--rtt-ms 150] [--down-kbps 1600] [--up-kbps 750]

Standard library only; the figures are printed, never asserted.
"""

import argparse
import json
import time
import urllib.request

PASSWORD = "gongshang-demo"
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

# (login, pages): each role's home and the pages of its daily work.
ROLES = [
    ("worker", ["/me"]),
    ("rider", ["/me"]),
    ("clerk", ["/queue", "/cases", "/cases/new", "/people", "/q?q=%E7%8E%8B"]),
    ("reviewer", ["/review"]),
    ("unit", ["/employer", "/bills"]),
    ("platform", ["/platform", "/bills"]),
    ("analyst", ["/analysis", "/fund", "/monitor"]),
    ("mediator", ["/tickets"]),
    ("admin", ["/admin/accounts", "/admin/parameters"]),
]

MEASURE = """
const nav = performance.getEntriesByType('navigation')[0];
const res = performance.getEntriesByType('resource');
let transfer = nav.transferSize, decoded = nav.decodedBodySize;
for (const r of res) { transfer += r.transferSize; decoded += r.decodedBodySize; }
return {ttfb: nav.responseStart, dcl: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd, transfer: transfer, decoded: decoded,
        requests: 1 + res.length, status: nav.responseStatus || 0,
        path: location.pathname + location.search};
"""


class Driver:
    def __init__(self, url):
        self.url = url.rstrip("/")
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read() or b"null")["value"]

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def start(self):
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-background-networking", "--window-size=390,844"],
            "mobileEmulation": {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3}},
        }}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def cdp(self, cmd, params):
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})

    def throttle(self, rtt_ms, down_kbps, up_kbps):
        self.cdp("Network.enable", {})
        self.cdp("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt_ms,
            "downloadThroughput": down_kbps * 1000 // 8,
            "uploadThroughput": up_kbps * 1000 // 8})

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script):
        return self.s("POST", "/execute/sync", {"script": script, "args": []})

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def quit(self):
        if self.session:
            self.call("DELETE", f"/session/{self.session}")
            self.session = None


def sign_in(d, base, login):
    d.go(base + "/login")
    d.s("POST", f"/element/{d.find('#login')}/value", {"text": login})
    d.s("POST", f"/element/{d.find('#password')}/value", {"text": PASSWORD})
    submit = d.find("form[action='/login'] button[type=submit]")
    d.s("POST", f"/element/{submit}/click", {})
    for _ in range(600):
        if "/login" not in d.s("GET", "/url"):
            return
        time.sleep(0.05)
    raise SystemExit(f"{login} did not get past /login")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:8097")
    p.add_argument("--driver", default="http://127.0.0.1:9515")
    p.add_argument("--rtt-ms", type=int, default=150)
    p.add_argument("--down-kbps", type=int, default=1600)
    p.add_argument("--up-kbps", type=int, default=750)
    a = p.parse_args()
    print(f"phone 390x844, link: {a.rtt_ms} ms round trip, {a.down_kbps} kbit/s down, {a.up_kbps} kbit/s up")
    print(f"{'login':9} {'page':20} {'status':>6} {'req':>4} {'sent KB':>8} {'decoded KB':>10} "
          f"{'TTFB ms':>8} {'DCL ms':>7} {'load ms':>8} {'warm load ms':>12}")
    for login, pages in ROLES:
        d = Driver(a.driver)
        d.start()
        try:
            d.throttle(a.rtt_ms, a.down_kbps, a.up_kbps)
            sign_in(d, a.base, login)
            for page in pages:
                # Cold: nothing cached, the assets come over the link too.
                d.cdp("Network.setCacheDisabled", {"cacheDisabled": True})
                d.go(a.base + page)
                cold = d.js(MEASURE)
                # Warm: the assets cached by the visit before.
                d.cdp("Network.setCacheDisabled", {"cacheDisabled": False})
                d.go(a.base + page)
                d.go(a.base + page)
                warm = d.js(MEASURE)
                if cold["path"] != page:
                    print(f"{login:9} {page:20} landed on {cold['path']}")
                    continue
                print(f"{login:9} {page:20} {cold['status']:>6} {cold['requests']:>4} "
                      f"{cold['transfer'] / 1024:>8.1f} {cold['decoded'] / 1024:>10.1f} "
                      f"{cold['ttfb']:>8.0f} {cold['dcl']:>7.0f} {cold['load']:>8.0f} {warm['load']:>12.0f}")
        finally:
            d.quit()


if __name__ == "__main__":
    main()
