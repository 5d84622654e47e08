// Login: posts the form as JSON (the API accepts nothing else), then opens the console.
"use strict";
(function () {
  var form = document.getElementById("login-form");
  var error = document.getElementById("error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    fetch("/api/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        username: document.getElementById("username").value,
        password: document.getElementById("password").value
      })
    }).then(function (answer) {
      return answer.json().then(function (data) {
        if (!answer.ok) throw new Error(data.error || "登录失败");
        window.location.assign("/");
      });
    }).catch(function (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    });
  });
})();
