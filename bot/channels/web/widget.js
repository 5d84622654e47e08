/*
 * 供热智能客服 — website chat widget.
 *
 * Embed with one tag; everything else (DOM, CSS, the socket.io client) is in this file:
 *   <script src="https://bot.example.com/webhooks/socketio/widget.js" data-title="在线客服" defer></script>
 *
 * Options (data- attributes of that tag): data-server-url (default: where this script came from),
 * data-socket-path (/socket.io), data-title, data-placeholder, data-greeting (a message sent
 * unseen when a conversation starts, e.g. "/greet"), data-color (CSS colour), data-open ("true"
 * opens the window at once), data-storage-key (localStorage prefix, default "heating-webchat").
 *
 * Talks to Rasa's socketio channel with a minimal Socket.IO v5 / Engine.IO v4 client over the
 * browser's WebSocket, so embedding needs no CDN or bundler (servers may have no internet).
 * Rasa does not replay a conversation, so the session id and the rendered history live in
 * localStorage.
 * Bot and user text only ever reaches the page through textContent.
 */
(function () {
  "use strict";

  if (window.__heatingWebChat) return; // the tag was included twice
  window.__heatingWebChat = true;

  var script =
    document.currentScript || document.querySelector('script[src*="/webhooks/socketio/widget.js"]');
  var data = (script && script.dataset) || {};
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var options = {
    serverUrl: (data.serverUrl || scriptOrigin).replace(/\/+$/, ""),
    socketPath: data.socketPath || "/socket.io",
    title: data.title || "在线客服",
    placeholder: data.placeholder || "请输入您的问题…",
    greeting: data.greeting || "",
    color: data.color || "#c2410c",
    open: data.open === "true",
    storageKey: data.storageKey || "heating-webchat",
  };

  var HISTORY_LIMIT = 200; // entries kept in localStorage; older ones scroll out
  // Stop the typing dots if no answer comes: the bot answers within seconds, and while a person
  // has taken over (the bot paused) there is no answer to announce.
  var TYPING_TIMEOUT_MS = 10000;

  // ---- storage: the session id, the rendered history and whether the window was open ----------

  var store = {
    get: function (name, fallback) {
      try {
        var raw = localStorage.getItem(options.storageKey + ":" + name);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (e) {
        return fallback; // storage disabled (private mode) or a corrupt value
      }
    },
    set: function (name, value) {
      try {
        localStorage.setItem(options.storageKey + ":" + name, JSON.stringify(value));
      } catch (e) {
        /* storage full or disabled: the chat still works, it just won't survive a reload */
      }
    },
  };

  // The server issues the session (a signed token) in session_confirm; a browser can only resume
  // one it was given, and its messages go to the session confirmed for its socket.
  var sessionId = store.get("session", null);
  var history = store.get("history", []);
  if (!Array.isArray(history)) history = [];

  function saveHistory() {
    if (history.length > HISTORY_LIMIT) history = history.slice(-HISTORY_LIMIT);
    store.set("history", history);
  }

  // ---- what the bot sends, reduced to what we render ------------------------------------------

  function isWebUrl(value) {
    return typeof value === "string" && /^https?:\/\//i.test(value);
  }

  function choicesOf(list) {
    if (!Array.isArray(list)) return [];
    return list
      .filter(function (b) {
        return b && typeof b.title === "string" && b.title;
      })
      .map(function (b) {
        return { title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title };
      });
  }

  /** A history entry for one `bot_uttered` payload, or null when there is nothing to show. */
  function botEntry(message) {
    if (typeof message === "string") message = { text: message };
    if (!message || typeof message !== "object") return null;
    var entry = { from: "bot" };
    if (typeof message.text === "string" && message.text) entry.text = message.text;
    var choices = choicesOf(message.buttons).concat(choicesOf(message.quick_replies));
    if (choices.length) entry.choices = choices;
    if (isWebUrl(message.image)) entry.image = message.image;
    var attachment = message.attachment;
    if (isWebUrl(attachment)) entry.link = attachment;
    else if (attachment && typeof attachment === "object") {
      var payload = attachment.payload || {};
      var src = payload.src || payload.url || attachment.url;
      if (isWebUrl(src)) {
        if (attachment.type === "image") entry.image = src;
        else entry.link = src;
      }
    }
    return entry.text || entry.choices || entry.image || entry.link ? entry : null;
  }

  // ---- DOM: a shadow root keeps the page's CSS and ours apart ---------------------------------

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:-apple-system,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:60px;height:60px;border:0;border-radius:50%;",
    "background:var(--wc-color);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center}",
    ".launcher svg{width:30px;height:30px;fill:currentColor}",
    ".panel{position:fixed;right:20px;bottom:92px;z-index:2147483001;width:370px;height:min(600px,calc(100vh - 112px));",
    "display:flex;flex-direction:column;background:#f5f5f4;border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25);color:#1c1917;font-size:15px;line-height:1.5}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:10px;padding:12px 14px;background:var(--wc-color);color:#fff}",
    "header .who{flex:1;min-width:0}",
    "header .title{display:block;font-weight:600;font-size:16px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    "header .status{display:block;font-size:12px;opacity:.9}",
    "header .close{border:0;background:transparent;color:#fff;font-size:26px;line-height:1;cursor:pointer;padding:4px 8px}",
    ".log{flex:1;overflow-y:auto;padding:14px 12px;display:flex;flex-direction:column;gap:8px;-webkit-overflow-scrolling:touch}",
    ".msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg.bot{align-self:flex-start;background:#fff;border-top-left-radius:4px;box-shadow:0 1px 2px rgba(0,0,0,.08)}",
    ".msg.user{align-self:flex-end;background:var(--wc-color);color:#fff;border-top-right-radius:4px}",
    ".msg.pending{opacity:.55}",
    ".msg img{display:block;max-width:100%;border-radius:8px}",
    ".msg a{color:inherit}",
    ".choices{align-self:flex-start;display:flex;flex-wrap:wrap;gap:6px;max-width:100%}",
    ".choices button{border:1px solid var(--wc-color);background:#fff;color:var(--wc-color);border-radius:16px;padding:6px 12px;font-size:14px;cursor:pointer}",
    ".choices button:disabled{border-color:#d6d3d1;color:#a8a29e;cursor:default}",
    ".typing{align-self:flex-start;display:flex;gap:4px;padding:12px 14px;background:#fff;border-radius:12px;border-top-left-radius:4px}",
    ".typing[hidden]{display:none}",
    ".typing span{width:7px;height:7px;border-radius:50%;background:#a8a29e;animation:wc-blink 1.2s infinite}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    "@keyframes wc-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "form{display:flex;gap:8px;padding:10px;background:#fff;border-top:1px solid #e7e5e4;padding-bottom:max(10px,env(safe-area-inset-bottom))}",
    "textarea{flex:1;resize:none;border:1px solid #d6d3d1;border-radius:18px;padding:8px 12px;font-size:16px;line-height:1.4;max-height:96px;outline-color:var(--wc-color)}",
    "form button{border:0;border-radius:18px;padding:0 16px;background:var(--wc-color);color:#fff;font-size:15px;cursor:pointer}",
    // Phones: the open window takes the whole screen and the launcher hides behind it.
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;border-radius:0}.panel:not([hidden])~.launcher{display:none}}",
  ].join("");

  var SKELETON =
    '<section class="panel" role="dialog" hidden>' +
    '<header><div class="who"><span class="title"></span><span class="status"></span></div>' +
    '<button class="close" type="button" aria-label="关闭">×</button></header>' +
    '<div class="log" role="log" aria-live="polite"><div class="typing" hidden aria-label="对方正在输入">' +
    "<span></span><span></span><span></span></div></div>" +
    '<form><textarea rows="1" maxlength="1000" enterkeyhint="send"></textarea>' +
    '<button type="submit">发送</button></form></section>' +
    '<button class="launcher" type="button" aria-label="打开在线客服">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>' +
    "</button>";

  var host = document.createElement("div");
  host.setAttribute("data-heating-webchat", "");
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = CSS;
  root.appendChild(style);
  var frame = document.createElement("div");
  frame.innerHTML = SKELETON; // constant markup only; no bot or user text ever goes through innerHTML
  while (frame.firstChild) root.appendChild(frame.firstChild);
  host.style.setProperty("--wc-color", options.color);

  var panel = root.querySelector(".panel");
  var log = root.querySelector(".log");
  var typing = root.querySelector(".typing");
  var statusLine = root.querySelector(".status");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var launcher = root.querySelector(".launcher");
  panel.setAttribute("aria-label", options.title);
  root.querySelector(".title").textContent = options.title;
  input.placeholder = options.placeholder;

  // ---- rendering --------------------------------------------------------------------------------

  function bubble(entry) {
    var node = document.createElement("div");
    node.className = "msg " + entry.from + (entry.pending ? " pending" : "");
    if (entry.text) node.appendChild(document.createTextNode(entry.text));
    if (entry.image) {
      var img = document.createElement("img");
      img.src = entry.image;
      img.alt = "图片";
      img.addEventListener("load", scrollDown);
      node.appendChild(img);
    }
    if (entry.link) {
      var a = document.createElement("a");
      a.href = entry.link;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = entry.text ? "\n查看附件" : "查看附件";
      node.appendChild(a);
    }
    return node;
  }

  function choiceRow(entry, active) {
    var row = document.createElement("div");
    row.className = "choices";
    entry.choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.disabled = !active;
      button.addEventListener("click", function () {
        send(choice.payload, choice.title);
      });
      row.appendChild(button);
    });
    return row;
  }

  function render() {
    while (log.firstChild !== typing) log.removeChild(log.firstChild);
    var last = history.length - 1;
    history.forEach(function (entry, i) {
      if (entry.text || entry.image || entry.link) log.insertBefore(bubble(entry), typing);
      // Only the newest message's choices can be clicked: older ones answer questions already past.
      if (entry.choices) log.insertBefore(choiceRow(entry, i === last), typing);
    });
    scrollDown();
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  var typingTimer = null;
  function showTyping(on) {
    clearTimeout(typingTimer);
    typing.hidden = !on;
    if (on) typingTimer = setTimeout(showTyping, TYPING_TIMEOUT_MS, false);
    scrollDown();
  }

  var STATUS_TEXT = { online: "在线", connecting: "连接中…", offline: "网络已断开，正在重连…" };
  function setStatus(state) {
    statusLine.textContent = STATUS_TEXT[state];
  }

  // ---- the conversation ---------------------------------------------------------------------------

  function send(message, shown) {
    if (!message) return;
    history.push({ from: "user", text: shown, message: message, pending: true });
    saveHistory();
    render();
    connection.flush();
  }

  /** Sends, in order, what was typed while offline or before the session was confirmed. */
  function flushPending(emit) {
    var sent = false;
    history.every(function (entry) {
      if (!entry.pending) return true;
      if (!emit("user_uttered", { message: entry.message })) return false;
      delete entry.pending;
      delete entry.message;
      sent = true;
      return true;
    });
    if (sent) {
      saveHistory();
      render();
      showTyping(true);
    }
  }

  function onBotMessage(message) {
    var entry = botEntry(message);
    if (!entry) return;
    history.push(entry);
    saveHistory();
    showTyping(false);
    render();
  }

  function onSession(confirmed) {
    var id = typeof confirmed === "string" ? confirmed : confirmed && confirmed.session_id;
    if (typeof id === "string" && id) sessionId = id;
    store.set("session", sessionId);
    if (!history.length && options.greeting) {
      var greeting = { message: options.greeting };
      if (connection.emit("user_uttered", greeting)) showTyping(true);
    }
  }

  // ---- Socket.IO v5 over Engine.IO v4, WebSocket transport only ---------------------------------

  var connection = (function () {
    var url =
      options.serverUrl.replace(/^http/i, "ws") +
      options.socketPath.replace(/\/?$/, "/") +
      "?EIO=4&transport=websocket";
    var started = false; // connect only once the visitor opens the chat
    var ws = null;
    var ready = false; // session confirmed: the server has put this socket in the session's room
    var attempts = 0;
    var retryTimer = null;
    var heartbeat = null;
    var silenceLimit = 45000; // pingInterval + pingTimeout, updated from the server's open packet

    /** Whether the packet went out: a closing socket keeps it back for the next connection. */
    function raw(packet) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(packet);
      return true;
    }

    function emit(event, payload) {
      return raw("42" + JSON.stringify([event, payload]));
    }

    // A server that stops pinging is gone even if the socket looks open (e.g. a dropped mobile link).
    function expectPing() {
      clearTimeout(heartbeat);
      heartbeat = setTimeout(drop, silenceLimit);
    }

    function open() {
      started = true;
      if (ws) return;
      clearTimeout(retryTimer);
      if (navigator.onLine === false) {
        setStatus("offline"); // no use trying: the "online" event opens it
        return;
      }
      setStatus("connecting");
      ws = new WebSocket(url);
      ws.onmessage = function (event) {
        onPacket(String(event.data));
      };
      ws.onclose = drop;
    }

    function discard() {
      clearTimeout(heartbeat);
      clearTimeout(retryTimer);
      if (ws) {
        ws.onclose = ws.onmessage = null;
        ws.close();
      }
      ws = null;
      ready = false;
    }

    /** Forget the current socket and try again later, waiting longer after each failure. */
    function drop() {
      discard();
      setStatus("offline");
      var delay = Math.min(500 * Math.pow(2, attempts), 15000) * (0.75 + Math.random() / 2);
      attempts += 1;
      retryTimer = setTimeout(open, delay);
    }

    function onPacket(packet) {
      var type = packet.charAt(0);
      if (type === "0") {
        var handshake = JSON.parse(packet.slice(1));
        silenceLimit = (handshake.pingInterval || 25000) + (handshake.pingTimeout || 20000);
        expectPing();
        raw("40"); // join the default namespace
      } else if (type === "2") {
        expectPing();
        raw("3");
      } else if (type === "1") {
        drop();
      } else if (type === "4") {
        onSocketIoPacket(packet.slice(1));
      }
    }

    function onSocketIoPacket(packet) {
      var type = packet.charAt(0);
      var body = packet.slice(1).replace(/^\d+/, ""); // an ack id, if any, is not used
      if (type === "0") {
        emit("session_request", { session_id: sessionId });
      } else if (type === "2") {
        var event = JSON.parse(body);
        if (event[0] === "session_confirm") {
          attempts = 0;
          ready = true;
          setStatus("online");
          onSession(event[1]);
          flushPending(emit);
        } else if (event[0] === "bot_uttered") {
          onBotMessage(event[1]);
        }
      } else if (type === "1" || type === "4") {
        drop(); // the server closed the namespace or refused it
      }
    }

    // The browser knows before the socket does: stop waiting for a dead socket, retry at once.
    window.addEventListener("offline", function () {
      if (started) drop();
    });
    window.addEventListener("online", function () {
      if (started && !ready) {
        discard();
        attempts = 0;
        open();
      }
    });

    return {
      open: open,
      emit: emit,
      flush: function () {
        if (ready) flushPending(emit);
        else open();
      },
    };
  })();

  // ---- opening, closing, typing -----------------------------------------------------------------

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    store.set("open", open);
    if (open) {
      connection.open();
      scrollDown();
    }
  }

  launcher.addEventListener("click", function () {
    setOpen(panel.hidden);
    if (!panel.hidden) input.focus();
  });
  root.querySelector(".close").addEventListener("click", function () {
    setOpen(false);
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });
  function sendTyped() {
    var text = input.value.trim();
    input.value = "";
    fitInput();
    send(text, text);
  }

  function fitInput() {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + 2 + "px";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendTyped();
  });
  input.addEventListener("input", fitInput);
  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter breaks the line; Enter that confirms an IME candidate does neither.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      sendTyped();
    }
  });

  function mount() {
    document.body.appendChild(host);
    render();
    var pending = history.some(function (entry) {
      return entry.pending;
    });
    if (options.open || store.get("open", false) || pending) setOpen(true);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
