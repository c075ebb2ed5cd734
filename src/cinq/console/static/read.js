// A file dropped on the document box: a text file is shown in it; any file (a PDF too)
// is put in the form's file field, which the console reads when the form is sent.
"use strict";
(function () {
  const box = document.getElementById("document");
  const field = document.getElementById("upload");
  if (!box || !field) return;
  box.addEventListener("dragover", function (e) { e.preventDefault(); });
  box.addEventListener("drop", function (e) {
    const files = e.dataTransfer && e.dataTransfer.files;
    if (!files || !files.length) return;
    e.preventDefault();
    field.files = files;
    const file = files[0];
    if (file.type.startsWith("text/") || /\.(txt|eml|html?)$/i.test(file.name)) {
      file.text().then(function (text) { box.value = text; field.value = ""; });
    }
  });
})();
