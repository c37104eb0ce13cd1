// Add "Studio Lab" to each notebook page's launch menu, next to Binder and Colab.
// The notebook path and repository come from the Binder link Jupyter Book already renders,
// so _config.yml stays the single place the repository address is set.
document.addEventListener("DOMContentLoaded", function () {
  var binder = document.querySelector('.dropdown-launch-buttons a[href*="mybinder.org"], a[href*="/v2/gh/"]');
  if (!binder) return;
  var m = binder.href.match(/\/v2\/gh\/([^/]+)\/([^/]+)\/([^?]+)\?.*urlpath=[^&]*?tree%2F([^&]+)|\/v2\/gh\/([^/]+)\/([^/]+)\/([^?]+)\?.*urlpath=[^&]*?tree\/([^&]+)/);
  if (!m) return;
  var owner = m[1] || m[5], repo = m[2] || m[6], branch = m[3] || m[7];
  var path = decodeURIComponent(m[4] || m[8]);
  var item = binder.closest("li");
  if (!item) return;
  var copy = item.cloneNode(true);
  var link = copy.querySelector("a");
  link.href = "https://studiolab.sagemaker.aws/import/github/" + owner + "/" + repo + "/blob/" + branch + "/" + path;
  link.title = "Launch on SageMaker Studio Lab";
  var label = copy.querySelector(".btn__text-container");
  if (label) label.textContent = "Studio Lab";
  var img = copy.querySelector("img");
  if (img) { img.remove(); }
  item.parentNode.insertBefore(copy, item.nextSibling);
});
