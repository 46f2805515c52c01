// Follows a backup or a verification in progress: reloads the page every 3 seconds until it shows
// an outcome. Without script the page works the same, by its "Check again" link.
(function () {
  var stage = document.getElementById('stage');
  if (stage && stage.getAttribute('data-done') === 'false') {
    window.setTimeout(function () { window.location.reload(); }, 3000);
  }
})();
