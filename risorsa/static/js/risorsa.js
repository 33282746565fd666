/* Risorsa's few behaviours, bound from data- attributes: the Content-Security-Policy allows no
   inline script (no onchange=, no <script> blocks) and no inline style (style= attributes). */
(function () {
  "use strict";

  // Bootstrap Italia's bundle carries video.js, which otherwise adds a <style> element to every
  // page (refused by the policy); no page of Risorsa shows a video. Read when the bundle loads,
  // so this file comes before it.
  window.VIDEOJS_NO_DYNAMIC_STYLE = true;

  // <div data-width-percent="40">: a bar's width, set through the CSSOM (allowed by the policy).
  function applyWidths(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-width-percent]") : [];
    Array.prototype.forEach.call(bars, function (bar) {
      var percent = Math.max(0, Math.min(100, Number(bar.getAttribute("data-width-percent")) || 0));
      bar.style.width = percent + "%";
    });
  }

  // The main menu opened as a dialog below 992 px (Bootstrap Italia's navbarcollapsible) makes <main>
  // inert; if the window grows past 992 px (zooming back out) the menu shows inline, so close the
  // dialog and give <main> back.
  var desktop = window.matchMedia ? window.matchMedia("(min-width: 992px)") : null;
  function closeMenuOnDesktop() {
    var menu = document.getElementById("menu-principale");
    var NavBar = window.bootstrap && window.bootstrap.NavBarCollapsible;
    if (desktop && desktop.matches && menu && NavBar) {
      var instance = NavBar.getInstance(menu);
      if (instance) { instance.hide(); }
    }
  }
  if (desktop && desktop.addEventListener) { desktop.addEventListener("change", closeMenuOnDesktop); }

  document.addEventListener("DOMContentLoaded", function () { applyWidths(document); });
  document.addEventListener("htmx:load", function (event) { applyWidths(event.target); });
})();
