/* payerlink console: the little JavaScript the pages use. No inline
 * scripts (the CSP forbids them); everything hangs off data attributes. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
	/* Copy buttons: data-copy names the element whose text is copied. */
	document.querySelectorAll("[data-copy]").forEach(function (btn) {
		btn.addEventListener("click", function () {
			var el = document.getElementById(btn.dataset.copy);
			var text = el ? el.textContent.trim() : "";
			var done = function () {
				btn.textContent = "Copied";
				setTimeout(function () { btn.textContent = "Copy"; }, 1500);
			};
			if (navigator.clipboard && window.isSecureContext) {
				navigator.clipboard.writeText(text).then(done, function () {});
			} else {
				var ta = document.createElement("textarea");
				ta.value = text;
				document.body.appendChild(ta);
				ta.select();
				try { document.execCommand("copy"); done(); } catch (e) {}
				ta.remove();
			}
		});
	});
	/* Confirm dialogs: forms with data-confirm ask first. */
	document.querySelectorAll("form[data-confirm]").forEach(function (f) {
		f.addEventListener("submit", function (ev) {
			if (!window.confirm(f.dataset.confirm))
				ev.preventDefault();
		});
	});
	/* Delete organization: enabled only when the typed ID matches. */
	var input = document.getElementById("confirm-org-id");
	var del = document.getElementById("delete-org");
	if (input && del) {
		var check = function () {
			del.disabled = input.value.trim() !== input.dataset.orgId;
		};
		input.addEventListener("input", check);
		check();
	}
	/* Live pages (the customer's plan): reload every data-refresh
	 * seconds while visible and while nothing is being typed. */
	var live = document.querySelector("[data-refresh]");
	if (live) {
		var typed = false;
		document.addEventListener("input", function () { typed = true; });
		setInterval(function () {
			if (!typed && document.visibilityState === "visible")
				window.location.reload();
		}, Math.max(15, parseInt(live.dataset.refresh, 10) || 60) * 1000);
	}
	/* Close the Actions menu with Escape. */
	document.addEventListener("keydown", function (ev) {
		if (ev.key !== "Escape")
			return;
		document.querySelectorAll("details.menu[open]").forEach(function (d) {
			d.open = false;
		});
	});
});
