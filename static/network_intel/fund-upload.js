// Receipt upload, progressively enhanced: drag and drop, previews, and a progress bar.
// Without JavaScript the form posts its files as usual.
(function () {
  "use strict";
  function enhance(form) {
    var input = form.querySelector("[data-receipt-input]");
    var drop = form.querySelector("[data-receipt-drop]");
    var previews = form.querySelector("[data-receipt-previews]");
    var progress = form.querySelector("[data-upload-progress]");
    if (!input || !drop || !window.DataTransfer || !window.FormData) return;
    drop.hidden = false;

    function showPreviews() {
      previews.textContent = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var item = document.createElement("li");
        if (/^image\/(png|jpeg|webp)$/.test(file.type) && window.FileReader) {
          var img = document.createElement("img");
          img.alt = "Preview of " + file.name;
          img.className = "receipt-thumb";
          var reader = new FileReader();
          reader.addEventListener("load", function () { img.src = reader.result; });
          reader.readAsDataURL(file);
          item.appendChild(img);
        }
        item.appendChild(document.createTextNode(" " + file.name + " (" + Math.ceil(file.size / 1024) + " KB)"));
        previews.appendChild(item);
      });
    }

    function addFiles(files) {
      var all = new DataTransfer();
      Array.prototype.forEach.call(input.files, function (f) { all.items.add(f); });
      Array.prototype.forEach.call(files, function (f) { all.items.add(f); });
      input.files = all.files;
      showPreviews();
    }

    input.addEventListener("change", showPreviews);
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("is-over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
    });

    form.addEventListener("submit", function (event) {
      if (!input.files.length || !progress) return;
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      var request = new XMLHttpRequest();
      // Not form.action: the buttons named "action" shadow that property.
      request.open("POST", form.getAttribute("action") || window.location.href);
      // Asks for the new page's address instead of a redirect the request would follow (and whose success
      // message it would use up): the page opened next shows it.
      request.setRequestHeader("X-Fund-Upload", "1");
      progress.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
      });
      request.addEventListener("load", function () {
        var next = request.getResponseHeader("X-Fund-Location");
        if (request.status === 204 && next) {
          window.location.assign(next);
        } else if (request.responseURL && request.responseURL !== window.location.href && request.status < 400) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", function () { form.submit(); });
      request.send(data);
    });
  }
  document.querySelectorAll("form[data-fund-upload]").forEach(enhance);
})();
