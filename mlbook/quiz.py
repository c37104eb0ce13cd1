"""Show a chapter's questions as an interactive quiz in JupyterLab and on the website.

The quiz is a light card with fixed colours (like the book's white-background figures), so its
contrast is the same in the site's light and dark modes and in any JupyterLab theme.

The output is one self-contained block of HTML, CSS and a little JavaScript: no CDN, no ids drawn
at random (so nbval can compare it), and a ``<details>`` fallback that shows every answer and
explanation where scripts do not run (an untrusted notebook, a reader with JavaScript off).
"""

from __future__ import annotations

import hashlib
import html
import re

from IPython.display import HTML

from .questions import Question, load_chapter

DOMAIN_NAMES = {
    "data-engineering": "Data engineering",
    "exploratory-data-analysis": "Exploratory data analysis",
    "modeling": "Modeling",
    "ml-implementation-and-operations": "ML implementation and operations",
}

_STYLE = """
.mlbook-quiz{--ok:#1a7f37;--bad:#c62828;margin:1em 0;padding:.6em;border-radius:8px;
 background:#ffffff;color:#1f2328;line-height:1.5}
.mlbook-quiz code{color:#1f2328;background:#eef1f4;padding:0 .2em;border-radius:3px}
.mlbook-quiz form{border:1px solid #8c959f;border-radius:6px;padding:.6em 1em;margin:0 0 1em}
.mlbook-quiz form:last-of-type{margin-bottom:0}
.mlbook-quiz .meta{font-size:.85em;color:#57606a;margin:.2em 0}
.mlbook-quiz fieldset{border:0;margin:0;padding:0}
.mlbook-quiz legend{font-size:1em;font-weight:600;line-height:1.5;float:none;width:auto;margin:.3em 0 .5em;padding:0}
.mlbook-quiz label{display:block;padding:.3em .5em;margin:.25em 0;border-radius:4px;
 border:1px solid transparent;cursor:pointer}
.mlbook-quiz label:hover{border-color:#8c959f}
.mlbook-quiz label.right{border-color:var(--ok);background:#dafbe1}
.mlbook-quiz label.wrong{border-color:var(--bad);background:#ffebe9}
.mlbook-quiz .why{display:none;margin:.2em 0 0 1.6em;font-size:.92em}
.mlbook-quiz form.checked .why{display:block}
.mlbook-quiz button{font:inherit;padding:.25em .9em;border-radius:4px;cursor:pointer;
 border:1px solid #8c959f;background:#f6f8fa;color:#1f2328}
.mlbook-quiz .result{font-weight:600;margin:.4em 0}
.mlbook-quiz .result.right{color:var(--ok)}.mlbook-quiz .result.wrong{color:var(--bad)}
.mlbook-quiz details{margin:.5em 0 .2em;font-size:.92em}
.mlbook-quiz form.checked details{display:none}
"""

_SCRIPT = """
(function(){
  var quiz=document.getElementById('%(quiz_id)s'); if(!quiz||quiz.dataset.ready) return;
  quiz.dataset.ready='1';
  quiz.querySelectorAll('form').forEach(function(form){
    form.querySelector('button').addEventListener('click',function(){
      var boxes=form.querySelectorAll('input'), picked=0, ok=true;
      boxes.forEach(function(b){
        var label=b.closest('label'), correct=label.dataset.correct==='1';
        label.classList.remove('right','wrong');
        if(b.checked){picked++; label.classList.add(correct?'right':'wrong');}
        else if(correct){label.classList.add('right');}
        if(b.checked!==correct) ok=false;
      });
      var result=form.querySelector('.result');
      if(!picked){result.textContent='Pick an answer first.';result.className='result';return;}
      form.classList.add('checked');
      result.textContent=ok?'Correct.':'Not quite: the right answer is outlined in green.';
      result.className='result '+(ok?'right':'wrong');
    });
  });
})();
"""


def _inline(text: str) -> str:
    """Escape text and turn `backticks` into <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text.strip()))


def display_order(q: Question) -> list[int]:
    """Indexes of q's options in the order shown: shuffled by a hash of the question id, so authors
    may list the right answer first while readers see it anywhere, the same on every run."""
    return sorted(range(len(q.options)), key=lambda i: hashlib.sha256(f"{q.id}/{i}".encode()).hexdigest())


def _question_html(q: Question, number: int, total: int) -> str:
    multi = q.answer_count > 1
    kind = "checkbox" if multi else "radio"
    name = f"q-{q.id}"
    options, answers = [], []
    for i, index in enumerate(display_order(q)):
        opt, letter = q.options[index], "ABCDEF"[i]
        options.append(
            f'<label data-correct="{int(opt.correct)}"><input type="{kind}" name="{name}" value="{letter}"> '
            f"<strong>{letter}.</strong> {_inline(opt.text)}"
            f'<span class="why">{"✔ " if opt.correct else "✘ "}{_inline(opt.explanation)}</span></label>'
        )
        answers.append(
            f"<li><strong>{letter}</strong> ({'correct' if opt.correct else 'incorrect'}): "
            f"{_inline(opt.explanation)}</li>"
        )
    return (
        f'<form id="{name}" onsubmit="return false">'
        f'<p class="meta">Question {number} of {total} · {DOMAIN_NAMES[q.domain]} · {q.difficulty}</p>'
        f"<fieldset><legend>{_inline(q.stem)}</legend>{''.join(options)}</fieldset>"
        f'<button type="button">Check answer</button>'
        f'<p class="result" aria-live="polite"></p>'
        f"<details><summary>Show the answer and why each option is right or wrong</summary>"
        f"<ul>{''.join(answers)}</ul></details></form>"
    )


def render(chapter: str) -> str:
    """The quiz for ``chapter`` (a notebook name such as ``distributions``) as an HTML string."""
    questions = load_chapter(chapter)
    quiz_id = f"mlbook-quiz-{chapter}"
    body = "".join(_question_html(q, i, len(questions)) for i, q in enumerate(questions, 1))
    return (
        f'<div class="mlbook-quiz" id="{quiz_id}"><style>{_STYLE}</style>{body}'
        f"<script>{_SCRIPT % {'quiz_id': quiz_id}}</script></div>"
    )


def show(chapter: str) -> HTML:
    """Display the chapter's questions; put it as the last line of the "Check yourself" cell."""
    return HTML(render(chapter))
