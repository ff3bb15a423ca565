// The console's knowledge base page: checks a file before it is uploaded, and polls
// the ingest's progress (GET /console/kb/progress) into the bar. When the ingest ends
// the page reloads to show what changed. No inline code (the page's CSP).
(function () {
  "use strict";
  var POLL_MS = 700;

  function checkUpload(form) {
    var input = document.getElementById("kb-file");
    var box = document.getElementById("kb-upload-error");
    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      var problem = "";
      if (!file) {
        problem = "请选择要上传的文件。";
      } else {
        var max = parseInt(form.dataset.maxBytes, 10);
        var dot = file.name.lastIndexOf(".");
        var suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
        var allowed = (form.dataset.accept || "").split(",");
        if (allowed.indexOf(suffix) < 0) {
          problem = "不支持这种文件。请上传 " + allowed.join("、") + " 文件。";
        } else if (file.size > max) {
          problem = "文件太大了，最大 " + Math.floor(max / 1048576) + " MB。";
        } else if (file.size === 0) {
          problem = "文件是空的。";
        }
      }
      if (problem) {
        event.preventDefault();
        box.textContent = problem;
        box.hidden = false;
        return;
      }
      box.hidden = true;
      var button = document.getElementById("kb-upload-button");
      if (button) { button.disabled = true; button.textContent = "正在上传…"; }
    });
  }

  function draw(job) {
    var bar = document.getElementById("kb-bar");
    var stage = document.getElementById("kb-stage");
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    var counts = job.state === "running" && job.total ? " " + job.done + "/" + job.total : "";
    stage.textContent = job.stage_zh + counts + " · " + job.percent + "%";
  }

  function poll(box) {
    var jobId = box.dataset.job;
    fetch("/console/kb/progress", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("progress " + response.status); }
        return response.json();
      })
      .then(function (body) {
        var job = body.job;
        if (!job) { return; }
        draw(job);
        if (job.state === "running") {
          window.setTimeout(function () { poll(box); }, POLL_MS);
        } else {
          window.location.replace("/console/kb?job=" + encodeURIComponent(job.id || jobId));
        }
      })
      .catch(function () {
        document.getElementById("kb-stage").textContent = "进度暂时取不到，请刷新页面。";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("kb-upload");
    if (form) { checkUpload(form); }
    var box = document.getElementById("kb-progress");
    if (box && box.dataset.state === "running") { poll(box); }
  });
})();
