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
      li.appendChild(document.createTextNode(line.text));
      return li;
    }));
    if (nearBottom || shownLines < 0) list.scrollTop = list.scrollHeight;
    shownLines = lines.length;
  }

  function render(data) {
    current = data;
    var s = data.session;
    $("empty").hidden = true;
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
      return el("li", null, t.ticket_no + " " + t.kind_name + " · " + t.status_name +
        (t.urgent ? " · 紧急" : "") + (t.fault ? " · " + t.fault : ""));
    }));
    var history = $("history");
    history.replaceChildren.apply(history, data.history.map(function (h) {
      return el("li", null, localTime(h.at) + " " + h.actor + " " + (HISTORY[h.kind] || h.kind));
    }));
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
    $("me").textContent = me.display_name + "（" + (me.role === "supervisor" ? "主管" : "客服") + "）";
    poll();
  }).catch(function () {});
})();
