/* Coding by selection: turn the text selected with the mouse or the keyboard into character positions.
 *
 * The page works without this script (each passage has its own "Code this passage" form). With it,
 * the "Code the selected text" panel appears: select any words with the mouse, or Tab into the text
 * and use the arrow keys (Shift to select, Ctrl for a word at a time, Home/End for a line), then
 * press Enter to choose a code. Nothing here depends on dragging.
 *
 * Every piece of text on the page is an element with data-start="N" holding exactly the characters
 * from N onwards, so a selection maps back to Unicode code points, which is how the server (and
 * REFI-QDA) counts. JavaScript strings count UTF-16 units, hence Array.from(...).length below.
 * A pseudonym shown in place of a name also has data-end="M": it stands for the characters N to M,
 * whatever its own length, so selecting any part of it selects the whole name.
 */
(function () {
  "use strict";

  var region = document.getElementById("source-text");
  var panel = document.getElementById("selection-panel");
  var form = document.getElementById("selection-form");
  if (!region || !panel || !form || !window.getSelection) {
    return;
  }
  var startInput = form.querySelector("input[name$='start']");
  var endInput = form.querySelector("input[name$='end']");
  var statusLine = document.getElementById("selection-status");
  var codeSelect = form.querySelector("select");

  panel.hidden = false;
  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) {
    el.hidden = false;
  });

  function codePoints(text) {
    return Array.from(text).length;
  }

  function pieces() {
    return Array.prototype.slice.call(region.querySelectorAll("[data-start]"));
  }

  function pieceStart(piece) {
    return parseInt(piece.getAttribute("data-start"), 10);
  }

  function isPseudonym(piece) {
    return piece.hasAttribute("data-end");
  }

  function pieceEnd(piece) {
    if (isPseudonym(piece)) {
      return parseInt(piece.getAttribute("data-end"), 10);
    }
    return pieceStart(piece) + codePoints(piece.textContent);
  }

  function pieceOf(node) {
    var el = node.nodeType === Node.TEXT_NODE ? node.parentNode : node;
    var piece = el && el.closest ? el.closest("[data-start]") : null;
    return piece && region.contains(piece) ? piece : null;
  }

  /* The character position of a DOM selection boundary, or null when there is no text near it. */
  function positionOf(node, offset, isEnd) {
    var piece = pieceOf(node);
    if (piece && isPseudonym(piece)) {
      var atStart = offset === 0;
      var atEnd = node.nodeType === Node.TEXT_NODE ? offset >= node.data.length : offset >= node.childNodes.length;
      if (atStart && !atEnd) {
        return pieceStart(piece);
      }
      if (atEnd && !atStart) {
        return pieceEnd(piece);
      }
      return isEnd ? pieceEnd(piece) : pieceStart(piece);
    }
    if (piece) {
      if (node.nodeType === Node.TEXT_NODE) {
        return pieceStart(piece) + codePoints(node.data.slice(0, offset));
      }
      var before = "";
      for (var i = 0; i < offset && i < node.childNodes.length; i++) {
        before += node.childNodes[i].textContent;
      }
      return pieceStart(piece) + codePoints(before);
    }
    // Between passages or inside a form: snap to the nearest text in document order.
    var probe = node.nodeType === Node.TEXT_NODE ? node : (node.childNodes[offset] || node);
    var previous = null;
    var next = null;
    var all = pieces();
    for (var j = 0; j < all.length; j++) {
      var relation = probe.compareDocumentPosition(all[j]);
      if (relation & Node.DOCUMENT_POSITION_FOLLOWING) {
        next = all[j];
        break;
      }
      previous = all[j];
    }
    if (isEnd) {
      return previous ? pieceEnd(previous) : (next ? pieceStart(next) : null);
    }
    return next ? pieceStart(next) : (previous ? pieceEnd(previous) : null);
  }

  /* The words between two positions, for reading back to the person. */
  function textBetween(start, end) {
    var parts = [];
    pieces().forEach(function (piece) {
      var s = pieceStart(piece);
      var chars = Array.from(piece.textContent);
      var e = pieceEnd(piece);
      if (e <= start || s >= end) {
        return;
      }
      if (isPseudonym(piece)) {
        parts.push({ start: s, end: e, text: piece.textContent });
        return;
      }
      parts.push({ start: s, end: Math.min(e, end), text: chars.slice(Math.max(0, start - s), Math.min(chars.length, end - s)).join("") });
    });
    var out = "";
    var last = null;
    parts.forEach(function (part) {
      if (last !== null && part.start > last) {
        out += " … ";
      }
      out += part.text;
      last = part.end;
    });
    return out;
  }

  function say(message) {
    statusLine.textContent = message;
  }

  function selectionInRegion(selection) {
    return selection.rangeCount > 0 && region.contains(selection.anchorNode) && region.contains(selection.focusNode);
  }

  function update() {
    var selection = window.getSelection();
    if (!selectionInRegion(selection)) {
      return; // e.g. focus moved to the code list: keep what was selected
    }
    var range = selection.getRangeAt(0);
    var start = positionOf(range.startContainer, range.startOffset, false);
    var end = positionOf(range.endContainer, range.endOffset, true);
    if (start === null || end === null || end <= start) {
      startInput.value = "";
      endInput.value = "";
      var caret = start === null ? end : start;
      if (caret !== null) {
        var before = textBetween(Math.max(0, caret - 30), caret);
        say("Nothing selected. The cursor is " + (before ? "after “" + before + "”" : "at the start") +
            ". Hold Shift and use the arrow keys to select.");
      } else {
        say("Nothing selected yet.");
      }
      return;
    }
    startInput.value = String(start);
    endInput.value = String(end);
    var words = textBetween(start, end);
    var shown = words.length > 160 ? words.slice(0, 80) + " … " + words.slice(-60) : words;
    say("Selected: “" + shown + "” (" + (end - start) + " characters). Press Enter to choose a code.");
  }

  document.addEventListener("selectionchange", update);

  function placeCaretAtStart(selection) {
    var first = pieces()[0];
    if (!first || !first.firstChild) {
      return false;
    }
    selection.collapse(first.firstChild, 0);
    return true;
  }

  var KEYS = {
    ArrowRight: ["forward", "character"],
    ArrowLeft: ["backward", "character"],
    ArrowDown: ["forward", "line"],
    ArrowUp: ["backward", "line"],
    Home: ["backward", "lineboundary"],
    End: ["forward", "lineboundary"]
  };

  region.addEventListener("keydown", function (event) {
    if (event.target !== region) {
      return; // keys in the forms inside the text behave as usual
    }
    var selection = window.getSelection();
    if (event.key === "Enter") {
      if (startInput.value && endInput.value) {
        event.preventDefault();
        codeSelect.focus();
      }
      return;
    }
    var move = KEYS[event.key];
    if (!move || event.altKey || event.metaKey || typeof selection.modify !== "function") {
      return;
    }
    event.preventDefault();
    if (!selectionInRegion(selection) && !placeCaretAtStart(selection)) {
      return;
    }
    var granularity = move[1] === "character" && event.ctrlKey ? "word" : move[1];
    selection.modify(event.shiftKey ? "extend" : "move", move[0], granularity);
    var focus = selection.focusNode && (selection.focusNode.nodeType === Node.TEXT_NODE ?
      selection.focusNode.parentNode : selection.focusNode);
    if (focus && focus.scrollIntoView) {
      focus.scrollIntoView({ block: "nearest" });
    }
  });

  form.addEventListener("submit", function (event) {
    if (!startInput.value || !endInput.value) {
      event.preventDefault();
      say("Select some text first, then choose a code.");
      region.focus();
    }
  });
})();
