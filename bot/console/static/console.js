// The agents' console: polls the JSON API every 2 s for the queue and the open conversation.
// Every text is put in the page with textContent, never as HTML, so nothing a user typed can run.
"use strict";
(function () {
  var POLL_MS = 2000;
  var HISTORY = {
    queued: "进入队列", picked: "接入", reply: "回复", transfer: "转接", requeued: "退回队列",
    reveal: "查看完整号码", ticket: "工单", closed: "结束", timed_out: "超时转回电",
    urgent: "升为紧急", pickup: "呼叫中心接入", close: "呼叫中心结束"
  };
  var csrf = null;
  var me = null;
  var selected = null;
  var current = null;
  var shownLines = -1;

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function call(method, path, body) {
    var headers = {};
    var options = { method: method, credentials: "same-origin", headers: headers };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-Token"] = csrf || "";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (answer) {
      if (answer.status === 401) {
        window.location.assign("/login");
        throw new Error("请先登录");
      }
      return answer.json().then(function (data) {
        if (!answer.ok) throw new Error(data.error || "请求失败 (" + answer.status + ")");
        return data;
      });
    });
  }

  function say(text, isError) {
    var status = $("status");
    status.hidden = !text;
    status.textContent = text || "";
    status.className = "status" + (isError ? " error" : "");
  }

  function minutes(seconds) {
    if (seconds < 60) return seconds + " 秒";
    return Math.floor(seconds / 60) + " 分钟";
  }

  function localTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return d.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" });
  }

  // ---- the queue --------------------------------------------------------------------------------

  function queueItem(item) {
    var li = el("li", "item" + (item.id === selected ? " selected" : ""));
    li.dataset.id = item.id;
    var line1 = el("div", "line1");
    line1.appendChild(el("span", "badge u" + item.urgency, item.urgency_name));
    line1.appendChild(el("span", "channel", item.channel_name));
    line1.appendChild(el("span", "wait", minutes(item.waiting_seconds)));
    li.appendChild(line1);
    var holder = item.holder ? " · " + item.holder : "";
    li.appendChild(el("div", "reason", item.reason_name + holder));
    li.appendChild(el("div", "preview", item.preview));
    li.addEventListener("click", function () { open(item.id); });
    return li;
  }

  function fill(listId, countId, items) {
    var list = $(listId);
    list.replaceChildren.apply(list, items.map(queueItem));
    $(countId).textContent = items.length;
  }

  function refreshQueue() {
    return call("GET", "/api/queue").then(function (data) {
      fill("waiting-list", "waiting-count", data.waiting);
      fill("handling-list", "handling-count", data.handling);
      var select = $("transfer-to");
      var chosen = select.value;
      select.replaceChildren();
      select.appendChild(el("option", null, "转接给…")).value = "";
      data.colleagues.forEach(function (agent) {
        var option = el("option", null, agent.display_name + "（" + agent.username + "）");
        option.value = agent.username;
        select.appendChild(option);
      });
      select.value = chosen;
    });
  }

  // ---- one conversation --------------------------------------------------------------------------

  function open(id) {
    selected = id;
    shownLines = -1;
    say("");
    refreshConversation();
    refreshQueue();
  }

  function definitions(target, rows) {
    var dl = $(target);
    dl.replaceChildren();
    rows.forEach(function (row) {
      dl.appendChild(el("dt", null, row[0]));
      dl.appendChild(el("dd", null, row[1]));
    });
    if (!rows.length) dl.appendChild(el("dd", "empty-value", "无"));
  }

  function renderTranscript(lines) {
    var list = $("transcript");
    if (lines.length === shownLines) return;
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.replaceChildren.apply(list, lines.map(function (line) {
      var li = el("li", line.who);
      var who = { user: "用户", bot: "机器人", agent: "客服 " + (line.agent || ""), system: "" }[line.who];
      if (who) li.appendChild(el("span", "who", who + " " + localTime(line.at)));
      // A pressed button is shown as the button, by its title (bot.channels.payloads).
      if (line.pressed) li.appendChild(el("span", "pressed", line.text)).title = "点击了按钮";
      else li.appendChild(document.createTextNode(line.text));
      return li;
    }));
    if (nearBottom || shownLines < 0) list.scrollTop = list.scrollHeight;
    shownLines = lines.length;
  }

  function render(data) {
    current = data;
    var s = data.session;
    $("empty").hidden = true;
    $("report").hidden = true;
    $("readings").hidden = true;
    $("conversation").hidden = false;
    $("conv-title").textContent = "#" + s.id + " " + s.channel_name + " · " + s.status_name;
    $("conv-meta").textContent =
      s.urgency_name + " · " + s.reason_name + " · 用户 " + s.user +
      " · 已等待 " + minutes(s.waiting_seconds) +
      (s.holder ? " · 接待：" + s.holder : "") +
      (s.callback_ticket_no ? " · 回电工单 " + s.callback_ticket_no : "") +
      (s.live ? "" : " · 该渠道不能实时推送回复");
    $("pick").disabled = !data.can.pick;
    ["release", "transfer", "transfer-to", "reply-send", "reply-text", "ticket-open"].forEach(
      function (id) { $(id).disabled = !data.can.handle; });
    $("reveal").disabled = !data.can.handle || data.can.full_numbers;
    $("close").disabled = !data.can.close;
    renderTranscript(data.transcript);
    if (data.transcript_error) say("对话记录暂时无法读取：" + data.transcript_error, true);
    definitions("collected", data.collected.map(function (c) { return [c.label, c.value]; }));
    var a = data.account;
    definitions("account", a ? [
      ["户号", a.account_no], ["户主", a.name], ["地址", a.address], ["电话", a.phone],
      ["采暖季", a.season], ["应缴", a.amount_due || "—"], ["尚欠", a.balance]
    ] : []);
    var tickets = $("tickets");
    tickets.replaceChildren.apply(tickets, data.tickets.map(function (t) {
      var item = el("li", null, t.ticket_no + " " + t.kind_name + " · " + t.status_name +
        (t.urgent ? " · 紧急" : "") + (t.fault ? " · " + t.fault : ""));
      if (data.can.handle && t.cancellable) item.appendChild(cancelButton(t));
      return item;
    }));
    var history = $("history");
    history.replaceChildren.apply(history, data.history.map(function (h) {
      return el("li", null, localTime(h.at) + " " + h.actor + " " + (HISTORY[h.kind] || h.kind));
    }));
  }

  // Residents cannot withdraw an urgent ticket in chat; the agent does it after talking to them,
  // and the hand-off opened for that ticket ends with it.
  function cancelButton(t) {
    var button = el("button", "ticket-cancel", "取消");
    button.type = "button";
    button.addEventListener("click", function () {
      var also = t.urgent ? "（紧急工单：为它打开的人工会话也将结束）" : "";
      if (window.confirm("确认取消工单 " + t.ticket_no + "？" + also)) {
        act("/tickets/" + t.ticket_no + "/cancel", {}, "工单 " + t.ticket_no + " 已取消");
      }
    });
    return button;
  }

  function refreshConversation() {
    if (selected === null) return Promise.resolve();
    return call("GET", "/api/sessions/" + selected).then(render).catch(function (failure) {
      say(failure.message, true);
    });
  }

  function act(path, body, done) {
    if (selected === null) return;
    call("POST", "/api/sessions/" + selected + path, body).then(function (data) {
      say(data.note || done || "", Boolean(data.note));
      refreshConversation();
      refreshQueue();
      return data;
    }).catch(function (failure) { say(failure.message, true); });
  }

  $("pick").addEventListener("click", function () { act("/pick", {}, "已接入"); });
  $("release").addEventListener("click", function () { act("/release", {}, "已退回队列"); });
  $("close").addEventListener("click", function () {
    if (window.confirm("结束本次人工服务？用户将回到机器人。")) act("/close", {}, "会话已结束");
  });
  $("transfer").addEventListener("click", function () {
    var to = $("transfer-to").value;
    if (!to) { say("请选择转接给谁", true); return; }
    act("/transfer", { to: to }, "已转接");
  });
  $("reveal").addEventListener("click", function () {
    call("POST", "/api/sessions/" + selected + "/reveal", {}).then(function (data) {
      var parts = [];
      if (data.numbers.phone) parts.push("电话 " + data.numbers.phone);
      if (data.numbers.account_no) parts.push("户号 " + data.numbers.account_no);
      say(parts.length ? parts.join("，") + "（已记录查看）" : "没有可显示的号码");
    }).catch(function (failure) { say(failure.message, true); });
  });
  $("reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = $("reply-text");
    var text = box.value.trim();
    if (!text) return;
    $("reply-send").disabled = true;
    call("POST", "/api/sessions/" + selected + "/reply", { text: text }).then(function (data) {
      box.value = "";
      say(data.note || "", Boolean(data.note));
      return refreshConversation();
    }).catch(function (failure) { say(failure.message, true); }).then(function () {
      $("reply-send").disabled = !(current && current.can.handle);
    });
  });
  $("reply-text").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.ctrlKey) $("reply-form").requestSubmit();
  });
  $("ticket-form").addEventListener("submit", function (event) {
    event.preventDefault();
    call("POST", "/api/sessions/" + selected + "/tickets", {
      kind: $("ticket-kind").value,
      description: $("ticket-description").value
    }).then(function (data) {
      $("ticket-description").value = "";
      say("已开工单 " + data.ticket.ticket_no);
      refreshConversation();
    }).catch(function (failure) { say(failure.message, true); });
  });
  // ---- the quality report (supervisors) ------------------------------------------------------------

  var DEADLINE_NAMES = { first_reply: "首次响应", on_site: "上门", resolve: "办结" };
  var KIND_NAMES = { BX: "报修", TS: "投诉", CW: "测温", BT: "报停", RG: "回电", CB: "查表" };

  function pct(value) { return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%"; }
  function num(value) { return value === null || value === undefined ? "—" : String(value); }

  function card(title, rows, definition) {
    var box = el("section", "report-card");
    box.appendChild(el("h3", null, title));
    var table = el("table");
    rows.forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("td", null, row[0]));
      tr.appendChild(el("td", "n", row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (definition) box.appendChild(el("p", "definition", definition));
    return box;
  }

  function renderReport(data) {
    var r = data.report;
    var d = data.definitions;
    var cards = [];
    cards.push(card("服务标准指标", Object.keys(r.standard).map(function (key) {
      var f = r.standard[key];
      var verdict = f.met === null ? "无数据" : (f.met ? "达标" : "未达标");
      return [f.name, pct(f.value) + "（目标 ≥ " + pct(f.target) + "，" + verdict + "）"];
    }), null));
    var kinds = Object.keys(r.tickets.by_kind).map(function (k) {
      return [k + " " + (KIND_NAMES[k] || ""), num(r.tickets.by_kind[k])];
    });
    var channels = Object.keys(r.tickets.by_channel).map(function (c) {
      return ["渠道 " + (data.channel_names[c] || c), num(r.tickets.by_channel[c])];
    });
    cards.push(card("工单量", [["合计", num(r.tickets.total)]].concat(kinds, channels), d.tickets));
    cards.push(card("时限按时率", Object.keys(r.deadlines).map(function (name) {
      var v = r.deadlines[name];
      return [DEADLINE_NAMES[name] || name,
        pct(v.on_time_rate) + "（按时 " + v.met + " / 超时 " + (v.late + v.breach) + " / 未到期 " + v.pending + "）"];
    }), d.deadlines));
    cards.push(card("超时", [["合计", num(r.breaches.total)]].concat(
      Object.keys(r.breaches.by_kind).map(function (k) { return [k + " " + (KIND_NAMES[k] || ""), num(r.breaches.by_kind[k])]; }),
      Object.keys(r.breaches.by_deadline).map(function (k) { return [DEADLINE_NAMES[k] || k, num(r.breaches.by_deadline[k])]; })
    ), d.breaches));
    var s = r.satisfaction;
    cards.push(card("满意度", [["满意率（≥4 分）", pct(s.rate)], ["作答 / 发出", s.rated + " / " + s.asked]].concat(
      Object.keys(s.distribution).map(function (k) { return [k + " 分", num(s.distribution[k])]; })
    ), d.satisfaction));
    var c = r.conversations;
    cards.push(card("机器人会话", c === null ? [["", "无对话数据（no conversation data）"]] : [
      ["会话数", num(c.conversations)], ["自助解决率", pct(c.self_service_rate)],
      ["转人工率", pct(c.handoff_rate)], ["用户消息", num(c.user_turns)], ["兜底率", pct(c.fallback_rate)]
    ].concat(c.top_intents.map(function (t) { return ["意图 " + t.intent, t.count + "（" + pct(t.share) + "）"]; })),
    d.conversations));
    var w = r.handoff_wait;
    cards.push(card("转人工等待", [
      ["转人工会话", num(w.sessions)], ["已接入 / 未接入", w.picked + " / " + w.not_picked],
      ["平均等待（分钟）", num(w.mean_minutes)], ["中位等待（分钟）", num(w.median_minutes)],
      ["最长等待（分钟）", num(w.max_minutes)]
    ], d.handoff_wait));
    var k = r.complaints;
    cards.push(card("每千户投诉", [
      ["每千户投诉", num(k.per_1000)], ["投诉工单", num(k.complaints)], ["账户数", num(k.accounts)]
    ], d.complaints));
    var body = $("report-body");
    body.replaceChildren.apply(body, cards);
  }

  function reportSay(text, isError) {
    var status = $("report-status");
    status.hidden = !text;
    status.textContent = text || "";
    status.className = "status" + (isError ? " error" : "");
  }

  function loadReport() {
    var query = "?from=" + encodeURIComponent($("report-from").value) +
      "&to=" + encodeURIComponent($("report-to").value);
    reportSay("正在统计…");
    call("GET", "/api/report" + query).then(function (data) {
      reportSay("");
      renderReport(data);
    }).catch(function (failure) { reportSay(failure.message, true); });
  }

  function isoDay(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }

  $("report-open").addEventListener("click", function () {
    if (!$("report-from").value) {
      var today = new Date();
      $("report-from").value = isoDay(new Date(today.getFullYear(), today.getMonth(), 1));
      $("report-to").value = isoDay(today);
    }
    selected = null;
    $("conversation").hidden = true;
    $("empty").hidden = true;
    $("readings").hidden = true;
    $("report").hidden = false;
    loadReport();
  });
  $("report-close").addEventListener("click", function () {
    $("report").hidden = true;
    $("empty").hidden = false;
  });
  $("report-form").addEventListener("submit", function (event) {
    event.preventDefault();
    loadReport();
  });

  // ---- residents' own readings and their photos ----------------------------------------------------

  function localMoment(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString("zh-CN", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // The photo is served by the reading's own URL (a same-origin image, the login cookie sent).
  function readingItem(head, lines, photo) {
    var li = el("li", "reading");
    li.appendChild(el("div", "value", head));
    lines.forEach(function (line) { li.appendChild(el("div", "meta", line)); });
    if (photo.url) {
      var img = el("img", "photo");
      img.alt = "住户发来的照片";
      img.loading = "lazy";
      img.src = photo.url;
      li.appendChild(img);
    } else {
      li.appendChild(el("div", "no-photo", "照片：" + photo.state_name));
    }
    return li;
  }

  function renderReadings(data) {
    var meters = $("meter-readings");
    meters.replaceChildren.apply(meters, data.meter.map(function (r) {
      return readingItem(r.value + " " + r.unit + " · " + r.status_name, [
        "户号 " + r.account_no + " · 表号 " + r.meter_no,
        "住户原文：" + r.written + " · " + localMoment(r.submitted_at)
      ], r.photo);
    }));
    var samples = $("sample-readings");
    samples.replaceChildren.apply(samples, data.samples.map(function (r) {
      var verdict = r.meets_standard ? "达标" : "未达标";
      return readingItem(r.temperature_c + " ℃ · " + verdict + "（标准 " + r.standard_c + " ℃）", [
        r.campaign + " · 户号 " + r.account_no, localMoment(r.measured_at)
      ], r.photo);
    }));
    if (!data.meter.length && !data.samples.length) readingsSay("暂无住户读数");
  }

  function readingsSay(text, isError) {
    var status = $("readings-status");
    status.hidden = !text;
    status.textContent = text || "";
    status.className = "status" + (isError ? " error" : "");
  }

  function loadReadings() {
    readingsSay("正在读取…");
    call("GET", "/api/readings").then(function (data) {
      readingsSay("");
      renderReadings(data);
    }).catch(function (failure) { readingsSay(failure.message, true); });
  }

  $("readings-open").addEventListener("click", function () {
    selected = null;
    $("conversation").hidden = true;
    $("empty").hidden = true;
    $("report").hidden = true;
    $("readings").hidden = false;
    loadReadings();
  });
  $("readings-refresh").addEventListener("click", loadReadings);
  $("readings-close").addEventListener("click", function () {
    $("readings").hidden = true;
    $("empty").hidden = false;
  });

  $("logout").addEventListener("click", function () {
    call("POST", "/api/logout", {}).then(function () { window.location.assign("/login"); });
  });

  function poll() {
    Promise.all([refreshQueue(), refreshConversation()]).catch(function () {}).then(function () {
      window.setTimeout(poll, POLL_MS);
    });
  }

  call("GET", "/api/me").then(function (data) {
    csrf = data.csrf;
    me = data.agent;
    $("report-open").hidden = me.role !== "supervisor";
    $("me").textContent = me.display_name + "（" + (me.role === "supervisor" ? "主管" : "客服") + "）";
    poll();
  }).catch(function () {});
})();
