#!/usr/bin/env python3
"""Drives Debian's headless chromium through the DevTools protocol (python3-websocket only).

Usage: browser.py SCRIPT.json  ->  prints one JSON object on standard output.

SCRIPT: {"width": 390, "height": 844, "steps": [STEP, ...]} where a STEP is one of
  {"goto": URL}                              navigate and wait for the load event
  {"eval": JS, "name": N}                    evaluate JS (awaiting a promise); result[N] = its value
  {"wait": JS, "timeout": S}                 wait until JS is truthy (bounded)
  {"files": SELECTOR, "paths": [PATH]}       set the files of a file input
  {"fill": SELECTOR, "value": TEXT}          set an input's value
  {"click": SELECTOR}                        click an element
  {"screenshot": PATH}                       full-page PNG

The answer: {"results": {N: value}, "dialogs": [message], "exceptions": [text],
"console_errors": [text], "error": null or why the script stopped}. Chromium runs as root with
--no-sandbox, in a temporary profile, and is always stopped; every wait is bounded.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import websocket

CHROMIUM = os.environ.get("KECHUANG_CHROMIUM", "/usr/bin/chromium")


class Browser:
    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="kechuang-chromium-")
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.05)
        port = open(port_file).read().split("\n")[0].strip()
        # The page target of about:blank.
        import urllib.request
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port, timeout=10))
        page = next(t for t in targets if t.get("type") == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events = []
        self.dialogs, self.exceptions, self.console_errors = [], [], []
        for method in ["Page.enable", "Runtime.enable", "Log.enable", "DOM.enable"]:
            self.call(method)
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=True)

    def call(self, method, timeout=30, **params):
        self.next_id += 1
        ident = self.next_id
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.time() + timeout
        while True:
            message = self.receive(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"].get("message")))
                return message.get("result", {})

    def receive(self, deadline):
        remaining = deadline - time.time()
        if remaining <= 0:
            raise RuntimeError("timed out waiting for chromium")
        self.socket.settimeout(remaining)
        message = json.loads(self.socket.recv())
        method = message.get("method")
        if method == "Page.javascriptDialogOpening":
            self.dialogs.append(message["params"].get("message", ""))
            self.socket.send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": False}}))
        elif method == "Runtime.exceptionThrown":
            details = message["params"].get("exceptionDetails", {})
            self.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and message["params"]["entry"].get("level") == "error":
            self.console_errors.append(message["params"]["entry"].get("text", ""))
        elif method == "Runtime.consoleAPICalled" and message["params"].get("type") == "error":
            self.console_errors.append(" ".join(str(a.get("value", "")) for a in message["params"].get("args", [])))
        elif method:
            self.events.append(method)
        return message

    def goto(self, url, timeout=30):
        self.events = []
        self.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        while "Page.loadEventFired" not in self.events:
            self.receive(deadline)

    def evaluate(self, expression, timeout=30):
        result = self.call("Runtime.evaluate", timeout=timeout, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError("script failed: %s" % result["exceptionDetails"].get("text"))
        return result.get("result", {}).get("value")

    def node(self, selector):
        root = self.call("DOM.getDocument", depth=0)["root"]["nodeId"]
        found = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        if not found:
            raise RuntimeError("no element %s" % selector)
        return found

    def close(self):
        try:
            self.socket.close()
        except Exception:  # the browser is stopped below either way
            pass
        self.process.kill()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def run(script):
    answer = {"results": {}, "dialogs": [], "exceptions": [], "console_errors": [], "error": None}
    browser = Browser(script.get("width", 390), script.get("height", 844))
    try:
        for step in script["steps"]:
            if "goto" in step:
                browser.goto(step["goto"])
            elif "eval" in step:
                answer["results"][step["name"]] = browser.evaluate(step["eval"])
            elif "wait" in step:
                deadline = time.time() + step.get("timeout", 20)
                while not browser.evaluate(step["wait"]):
                    if time.time() > deadline:
                        raise RuntimeError("timed out waiting for %s" % step["wait"])
                    time.sleep(0.1)
            elif "files" in step:
                browser.call("DOM.setFileInputFiles", files=step["paths"], nodeId=browser.node(step["files"]))
            elif "fill" in step:
                browser.evaluate("document.querySelector(%s).value = %s" % (json.dumps(step["fill"]), json.dumps(step["value"])))
            elif "click" in step:
                browser.evaluate("document.querySelector(%s).click()" % json.dumps(step["click"]))
            elif "screenshot" in step:
                metrics = browser.call("Page.getLayoutMetrics")
                size = metrics.get("cssContentSize") or metrics["contentSize"]
                shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                                    clip={"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1})
                os.makedirs(os.path.dirname(step["screenshot"]), exist_ok=True)
                with open(step["screenshot"], "wb") as file:
                    file.write(base64.b64decode(shot["data"]))
    except Exception as error:  # reported in the answer: the test says which step failed
        answer["error"] = "%s: %s" % (type(error).__name__, error)
    finally:
        answer["dialogs"], answer["exceptions"], answer["console_errors"] = browser.dialogs, browser.exceptions, browser.console_errors
        browser.close()
    return answer


if __name__ == "__main__":
    print(json.dumps(run(json.load(open(sys.argv[1]))), ensure_ascii=False))
