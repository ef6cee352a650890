// A small browser app on its own origin, calling two services with a bearer token
// (tests/browser/test_browser_app.py loads it in headless Chromium and reads the results).
// Configuration arrives in the URL fragment: {"scheduling", "performance", "token",
// "agentId", "key"}. Each step writes <output id="step">JSON</output>; a failure writes "error".
"use strict";

const config = JSON.parse(decodeURIComponent(location.hash.slice(1)));

function report(name, value) {
  let element = document.getElementById(name);
  if (!element) {
    element = document.createElement("output");
    element.id = name;
    document.getElementById("results").append(element);
  }
  element.textContent = JSON.stringify(value);
}

async function call(base, path, { method = "GET", body, headers = {} } = {}) {
  const response = await fetch(base + path, {
    method,
    headers: {
      Authorization: `Bearer ${config.token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get("Idempotent-Replayed"),
    language: response.headers.get("Content-Language"),
    contentType: response.headers.get("Content-Type"),
    body: await response.json(),
  };
}

// (a)-(c) on performance: a coaching interview for the agent, sent twice with one Idempotency-Key,
// then the same key with another body, read in Chinese.
async function coaching() {
  const interview = { agent_id: config.agentId, goals: ["Confirm every fix before closing the call"] };
  const once = { method: "POST", body: interview, headers: { "Idempotency-Key": config.key } };
  const first = await call(config.performance, "/v1/coaching", once);
  report("preflight", { status: first.status, id: first.body.id, replayed: first.replayed });
  const again = await call(config.performance, "/v1/coaching", once);
  report("replay", { status: again.status, id: again.body.id, replayed: again.replayed });
  const changed = { ...interview, goals: ["Another goal"] };
  const refused = await call(config.performance, "/v1/coaching", {
    method: "POST",
    body: changed,
    headers: { "Idempotency-Key": config.key, "Accept-Language": "zh-CN" },
  });
  report("refusal", {
    status: refused.status,
    language: refused.language,
    contentType: refused.contentType,
    type: refused.body.type,
    title: refused.body.title,
    detail: refused.body.detail,
  });
}

// A header the services do not allow: the preflight refuses it and the browser blocks the call.
async function blocked() {
  try {
    await fetch(config.performance + "/v1/me", { headers: { Authorization: `Bearer ${config.token}`, "X-Unlisted": "1" } });
    report("blocked", { blocked: false });
  } catch (error) {
    report("blocked", { blocked: true, error: error.name });
  }
}

// (d) scheduling's task stream, read with fetch (EventSource cannot send Authorization).
async function tasks() {
  const response = await fetch(config.scheduling + "/v1/tasks/mine/stream", {
    headers: { Authorization: `Bearer ${config.token}`, Accept: "text/event-stream" },
  });
  report("stream", { status: response.status, contentType: response.headers.get("Content-Type") });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let events = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = { event: "message", data: [] };
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;  // a keep-alive comment
        const colon = line.indexOf(":");
        const name = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "data") fields.data.push(text);
        else if (name === "event") fields.event = text;
      }
      if (fields.event === "tasks" && fields.data.length) {
        events += 1;
        report("tasks", { events, items: JSON.parse(fields.data.join("\n")).items });
      }
    }
  }
  report("stream-ended", { events });
}

function failed(step) {
  return (error) => report("error", { step, message: String(error && error.stack || error) });
}

coaching().catch(failed("coaching"));
blocked().catch(failed("blocked"));
tasks().catch(failed("tasks"));
