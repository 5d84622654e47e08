/*
 * 供热智能客服 — website chat widget.
 *
 * Embed with one tag; everything else (DOM, CSS, the socket.io client) is in this file:
 *   <script src="https://bot.example.com/webhooks/socketio/widget.js" data-title="在线客服" defer></script>
 *
 * Options (data- attributes of that tag): data-server-url (default: where this script came from),
 * data-socket-path (/socket.io), data-title, data-placeholder, data-greeting (a message sent
 * unseen when a conversation starts, e.g. "/greet"), data-color (CSS colour), data-open ("true"
 * opens the window at once), data-storage-key (localStorage prefix, default "heating-webchat"),
 * data-bot-name (who answers before a person takes over, default "智能客服"), data-privacy-url
 * (the company's privacy notice; default the short one served beside this script).
 *
 * Made for older residents on phones: every control is at least 44×44 px, sizes are in em of the
 * browser's own font size (so its font setting and zoom apply) plus 小/大 buttons, messages
 * carry who wrote them and when, and while a person holds the conversation the header and their
 * messages say 人工客服 and their name (the server adds `agent`/`holder` to those messages,
 * bot.channels.webchat.WebChatOutput). The message list is an ARIA log, so screen readers read
 * new messages; Escape closes the window and focus goes back to the launcher.
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
    botName: data.botName || "智能客服",
    privacyUrl: data.privacyUrl || "",
  };
  if (!options.privacyUrl) options.privacyUrl = options.serverUrl + "/webhooks/socketio/privacy";

  var HISTORY_LIMIT = 200; // entries kept in localStorage; older ones scroll out
  // Stop the typing dots if no answer comes: the bot answers within seconds, and while a person
  // has taken over (the bot paused) there is no answer to announce.
  var TYPING_TIMEOUT_MS = 10000;
  // Text sizes the 小/大 buttons step through (× the browser's font size, which zoom also scales).
  var TEXT_SCALES = [0.9, 1, 1.15, 1.3, 1.5];

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
  // The agent holding the conversation (null: the bot answers), kept across reloads.
  var holder = store.get("holder", null);
  var scale = store.get("scale", 1);
  if (TEXT_SCALES.indexOf(scale) < 0) scale = 1;
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
    var entry = { from: "bot", at: Date.now() };
    if (typeof message.agent === "string" && message.agent) entry.agent = message.agent;
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

  // Sizes in em of the host's font size, which `all:initial` sets to the browser's default
  // (`medium`): the visitor's font setting applies, and the page's own CSS (a 10px root) does not.
  // Controls have max(44px, 2.75em) so they stay touchable at the smallest text size.
  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font-family:-apple-system,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "button,textarea{font-size:inherit}",
    "button:focus-visible,textarea:focus-visible,a:focus-visible,.log:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}",
    ".log:focus-visible{outline-offset:-3px}",
    ".launcher{position:fixed;right:12px;bottom:12px;z-index:2147483000;min-height:max(48px,3em);padding:0 1.1em 0 .9em;border:0;border-radius:999px;",
    "background:var(--wc-color);color:#fff;cursor:pointer;box-shadow:0 3px 10px rgba(0,0,0,.25);display:flex;align-items:center;gap:.4em;font-size:1em;font-weight:600;letter-spacing:.05em}",
    ".launcher svg{width:1.4em;height:1.4em;fill:currentColor;flex:none}",
    ".panel{position:fixed;right:12px;bottom:calc(24px + max(48px,3em));z-index:2147483001;width:min(25em,calc(100vw - 24px));height:min(40em,calc(100vh - 48px - max(48px,3em)));",
    "display:flex;flex-direction:column;background:#f5f5f4;border-radius:14px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.25);color:#1c1917;font-size:calc(var(--wc-scale,1) * 1em);line-height:1.5}",
    ".panel[hidden]{display:none}",
    ".head{display:flex;align-items:center;gap:.5em;padding:.5em .5em .5em .9em;background:var(--wc-color);color:#fff}",
    ".head .who{flex:1;min-width:0}",
    ".head .title{display:block;font-weight:600;font-size:1.05em;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    ".head .line{display:flex;align-items:center;gap:.4em;font-size:.85em;flex-wrap:wrap}",
    ".line .status::before{content:'· '}",
    ".mark{display:inline-block;background:#fff;color:#9a3412;font-weight:700;border-radius:4px;padding:0 .4em;font-size:.9em;line-height:1.5}",
    ".line .mark{color:var(--wc-color)}",
    ".head .close{flex:none;min-width:max(44px,2.75em);min-height:max(44px,2.75em);border:0;border-radius:8px;background:transparent;color:#fff;font-size:1.6em;line-height:1;cursor:pointer}",
    ".head .close:hover{background:rgba(255,255,255,.15)}",
    ".log{flex:1;overflow-y:auto;padding:.9em .75em;display:flex;flex-direction:column;gap:.6em;-webkit-overflow-scrolling:touch}",
    ".entry{display:flex;flex-direction:column;max-width:85%;gap:.15em}",
    ".entry.bot{align-self:flex-start}.entry.user{align-self:flex-end;align-items:flex-end}",
    ".meta{font-size:.8em;color:#57534e;display:flex;align-items:center;gap:.4em}",
    ".entry.agent .mark{background:#9a3412;color:#fff}",
    ".msg{padding:.5em .8em;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg.bot{background:#fff;border-top-left-radius:4px;box-shadow:0 1px 2px rgba(0,0,0,.08)}",
    ".msg.agent{background:#fff7ed;border:1px solid #fdba74}",
    ".msg.user{background:var(--wc-color);color:#fff;border-top-right-radius:4px}",
    ".msg.pending{opacity:.6}",
    ".msg img{display:block;max-width:100%;border-radius:8px}",
    ".msg a{color:inherit;display:inline-block;min-height:max(44px,2.75em);line-height:max(44px,2.75em)}",
    ".choices{align-self:flex-start;display:flex;flex-wrap:wrap;gap:.5em;max-width:100%}",
    ".choices button{min-height:max(44px,2.75em);border:1px solid var(--wc-color);background:#fff;color:var(--wc-color);border-radius:999px;padding:.35em 1em;font-size:.95em;cursor:pointer}",
    ".choices button:disabled{border-color:#d6d3d1;color:#78716c;cursor:default}",
    ".typing{align-self:flex-start;display:flex;gap:4px;padding:.8em .9em;background:#fff;border-radius:12px;border-top-left-radius:4px}",
    ".typing[hidden]{display:none}",
    ".typing span[aria-hidden]{width:7px;height:7px;border-radius:50%;background:#a8a29e;animation:wc-blink 1.2s infinite}",
    ".typing span:nth-child(2){animation-delay:.2s}.typing span:nth-child(3){animation-delay:.4s}",
    ".unsent{color:#b91c1c}",
    "@keyframes wc-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    "@media (prefers-reduced-motion:reduce){.typing span[aria-hidden]{animation:none;opacity:.6}}",
    "form{display:flex;gap:.5em;padding:.6em .6em .3em;background:#fff;border-top:1px solid #e7e5e4}",
    "textarea{flex:1;min-height:max(44px,2.75em);resize:none;border:1px solid #a8a29e;border-radius:1.4em;padding:.6em .9em;font-size:max(16px,1em);line-height:1.4;max-height:7em;color:#1c1917}",
    "form button{min-width:max(56px,3.5em);min-height:max(44px,2.75em);border:0;border-radius:1.4em;padding:0 1em;background:var(--wc-color);color:#fff;cursor:pointer;font-weight:600}",
    ".tools{display:flex;align-items:center;gap:.4em;padding:0 .6em;background:#fff;padding-bottom:env(safe-area-inset-bottom)}",
    ".tools button{min-width:max(44px,2.75em);min-height:max(44px,2.75em);border:1px solid #d6d3d1;border-radius:8px;background:#fff;color:#1c1917;cursor:pointer}",
    ".tools button:disabled{color:#a8a29e;cursor:default}",
    ".tools .privacy{margin-left:auto;display:inline-flex;align-items:center;min-height:max(44px,2.75em);padding:0 .3em;color:#44403c;font-size:.9em}",
    // The space the launcher needs at the end of the page, so it never hides the page's last lines.
    ".spacer{display:block;height:calc(24px + max(48px,3em))}",
    // Phones: the open window takes the whole screen and the launcher hides behind it.
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;border-radius:0}.panel:not([hidden])~.launcher{display:none}}",
  ].join("");

  var SKELETON =
    '<div class="spacer" aria-hidden="true"></div>' +
    '<section class="panel" role="dialog" aria-modal="false" hidden>' +
    '<div class="head"><div class="who"><span class="title"></span>' +
    '<span class="line"><span class="answering"></span><span class="status" role="status"></span></span></div>' +
    '<button class="close" type="button" aria-label="关闭客服窗口">×</button></div>' +
    '<div class="log" role="log" aria-live="polite" aria-label="对话记录" tabindex="0">' +
    '<div class="typing" hidden><span class="sr">对方正在输入</span>' +
    '<span aria-hidden="true"></span><span aria-hidden="true"></span><span aria-hidden="true"></span></div></div>' +
    '<form><textarea rows="1" maxlength="1000" enterkeyhint="send" aria-label="输入消息"></textarea>' +
    '<button type="submit">发送</button></form>' +
    '<div class="tools"><button class="smaller" type="button" aria-label="缩小字号">小</button>' +
    '<button class="larger" type="button" aria-label="放大字号">大</button>' +
    '<a class="privacy" target="_blank" rel="noopener">隐私说明</a></div></section>' +
    '<button class="launcher" type="button" aria-haspopup="dialog" aria-expanded="false">' +
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z"/></svg>' +
    "<span>在线客服</span></button>";

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
  var answering = root.querySelector(".answering");
  var statusLine = root.querySelector(".status");
  var form = root.querySelector("form");
  var input = root.querySelector("textarea");
  var launcher = root.querySelector(".launcher");
  var smaller = root.querySelector(".smaller");
  var larger = root.querySelector(".larger");
  panel.setAttribute("aria-label", options.title);
  root.querySelector(".title").textContent = options.title;
  root.querySelector(".privacy").href = options.privacyUrl;
  input.placeholder = options.placeholder;

  // ---- rendering --------------------------------------------------------------------------------

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /** 14:05 today, 12月3日 14:05 on another day. */
  function timeText(at) {
    var d = new Date(at);
    var clock = pad(d.getHours()) + ":" + pad(d.getMinutes());
    return d.toDateString() === new Date().toDateString()
      ? clock
      : d.getMonth() + 1 + "月" + d.getDate() + "日 " + clock;
  }

  function mark() {
    var node = document.createElement("span");
    node.className = "mark";
    node.textContent = "人工客服";
    return node;
  }

  /** Who wrote the message and when, above its bubble (read first by a screen reader). */
  function metaLine(entry) {
    var meta = document.createElement("div");
    meta.className = "meta";
    if (entry.agent) meta.appendChild(mark());
    var who = entry.from === "user" ? "我" : entry.agent || options.botName;
    meta.appendChild(document.createTextNode(who));
    if (entry.at) {
      var time = document.createElement("time");
      time.dateTime = new Date(entry.at).toISOString();
      time.textContent = timeText(entry.at);
      meta.appendChild(time);
    }
    if (entry.pending) {
      var note = document.createElement("span");
      note.className = "unsent";
      note.textContent = "未发出";
      meta.appendChild(note);
    }
    return meta;
  }

  function bubble(entry) {
    var node = document.createElement("div");
    node.className = "msg " + entry.from + (entry.agent ? " agent" : "") + (entry.pending ? " pending" : "");
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

  var nodeOf = new WeakMap(); // history entry → its node in the log

  /** A pending message went out: it loses its 未发出 note (changed in place, not re-announced). */
  function markSent(entry) {
    var node = nodeOf.get(entry);
    if (!node) return;
    node.querySelector(".msg").classList.remove("pending");
    var note = node.querySelector(".unsent");
    if (note) note.remove();
  }

  function entryNode(entry) {
    var node = document.createElement("div");
    nodeOf.set(entry, node);
    node.className = "entry " + entry.from + (entry.agent ? " agent" : "");
    node.appendChild(metaLine(entry));
    node.appendChild(bubble(entry));
    return node;
  }

  function choiceRow(entry) {
    var row = document.createElement("div");
    row.className = "choices";
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "可选回复");
    entry.choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice.title;
      button.addEventListener("click", function () {
        send(choice.payload, choice.title);
        // The pressed button is disabled now, and focus must not fall back to the page: it goes to
        // the message list (Tab reaches the next answer's buttons), not the input, whose on-screen
        // keyboard would cover half a phone for a visitor who is choosing, not typing.
        log.focus({ preventScroll: true });
      });
      row.appendChild(button);
    });
    return row;
  }

  /** Adds one history entry to the log: new messages are appended, never the whole list redrawn,
   * so a screen reader announces each once. Only the newest message's choices can be clicked:
   * older ones answer questions already past. */
  function appendEntry(entry) {
    root.querySelectorAll(".choices button").forEach(function (button) {
      button.disabled = true;
    });
    if (entry.text || entry.image || entry.link) log.insertBefore(entryNode(entry), typing);
    if (entry.choices) log.insertBefore(choiceRow(entry), typing);
    scrollDown();
  }

  function render() {
    while (log.firstChild !== typing) log.removeChild(log.firstChild);
    history.forEach(appendEntry);
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

  /** The header names who answers: the bot, or the person holding the conversation. */
  function showHolder() {
    answering.replaceChildren();
    if (holder) {
      answering.appendChild(mark());
      answering.appendChild(document.createTextNode(" " + holder + " 为您服务"));
    } else {
      answering.textContent = options.botName;
    }
  }

  function setHolder(name) {
    holder = name || null;
    store.set("holder", holder);
    showHolder();
  }

  function applyScale() {
    panel.style.setProperty("--wc-scale", String(scale));
    smaller.disabled = scale === TEXT_SCALES[0];
    larger.disabled = scale === TEXT_SCALES[TEXT_SCALES.length - 1];
  }

  function stepScale(step) {
    var next = TEXT_SCALES[TEXT_SCALES.indexOf(scale) + step];
    if (next === undefined) return;
    scale = next;
    store.set("scale", scale);
    applyScale();
    scrollDown();
  }

  // ---- the conversation ---------------------------------------------------------------------------

  function send(message, shown) {
    if (!message) return;
    var entry = { from: "user", text: shown, message: message, pending: true, at: Date.now() };
    history.push(entry);
    saveHistory();
    appendEntry(entry);
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
      markSent(entry);
      sent = true;
      return true;
    });
    if (sent) {
      saveHistory();
      showTyping(true);
    }
  }

  function onBotMessage(message) {
    var entry = botEntry(message);
    if (!entry) return;
    history.push(entry);
    saveHistory();
    // A person's message, or a notice while one holds the conversation, names them; any other
    // message comes from the bot, which answers only once the person has given it back.
    setHolder(entry.agent || (typeof message === "object" && message.holder) || null);
    showTyping(false);
    appendEntry(entry);
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

  /** Closing hands focus back to the launcher, so a keyboard user is where they started. */
  function close() {
    setOpen(false);
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (!panel.hidden) return close();
    setOpen(true);
    input.focus();
  });
  root.querySelector(".close").addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  smaller.addEventListener("click", function () {
    stepScale(-1);
  });
  larger.addEventListener("click", function () {
    stepScale(1);
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
    applyScale();
    showHolder();
    render();
    var pending = history.some(function (entry) {
      return entry.pending;
    });
    if (options.open || store.get("open", false) || pending) setOpen(true);
  }

  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
