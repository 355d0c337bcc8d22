// Wide tables scroll inside their box (.table-scroll); while one does, a line above it says
// so, because a phone shows no scroll bar until you touch it.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-scroll");
  var hints = [];
  for (var i = 0; i < boxes.length; i++) {
    var hint = document.createElement("p");
    hint.className = "table-scroll-hint";
    hint.textContent = "Swipe sideways to see every column.";
    hint.hidden = true;
    boxes[i].parentNode.insertBefore(hint, boxes[i]);
    hints.push(hint);
  }
  function update() {
    for (var i = 0; i < boxes.length; i++) {
      var overflowing = boxes[i].scrollWidth > boxes[i].clientWidth + 1;
      hints[i].hidden = !overflowing;
      boxes[i].classList.toggle("is-overflowing", overflowing);
    }
  }
  update();
  window.addEventListener("resize", update);
})();
