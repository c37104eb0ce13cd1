"""A full-length practice exam drawn from the question bank, weighted like the real exam.

``allocate(code)`` splits the 65 questions of an exam over its domains by the weights in
``data/exams.yaml`` (largest-remainder rounding, capped by what the bank holds). ``show()`` puts
the whole exam on a page as one self-contained block of HTML, CSS and JavaScript: the bank is
embedded as compact JSON, and the browser draws a fresh exam per "Start" with a seeded generator,
sampling within each domain the number of questions Python allocated. ``draw(code, seed)`` is the
same draw in Python, so a seed shown on the page can be checked here.

MLS-C01 domains are tagged on each question (``domain:``); MLA-C01 domains are not, so each
MLA-C01 domain in ``data/exams.yaml`` lists the chapters whose questions count towards it.

Like ``mlbook.quiz``, the card has fixed light colours (readable in the site's dark mode and any
JupyterLab theme), no random ids (nbval compares the output byte for byte), and a message in place
of the exam where scripts do not run (an untrusted notebook, a browser with JavaScript off).
"""

from __future__ import annotations

import json
import posixpath
import re
from fractions import Fraction
from math import floor

from IPython.display import HTML, Markdown

from . import toc
from .data import book_root, check_schema, load_yaml
from .questions import Question, load_bank
from .quiz import _inline, display_order

FULL_LENGTH = 65  # questions in a real MLS-C01 or MLA-C01 exam (scored and unscored)
PAGE_FOLDER = "chapters/appendices"  # where the practice-exam page sits, for relative links
FRONT_AND_BACK = {"start-here", "appendices"}  # toc folders that hold no exam chapters
SEED_LIMIT = 2**32  # seeds are unsigned 32-bit integers, as in the page's JavaScript


class ExamError(ValueError):
    """Bad exam data or a bad request: unknown exam code, impossible question count, bad seed."""


# ---------------------------------------------------------------------------------------------
# Data: exams, chapters, and which domain each question counts towards


def exam_chapters() -> list[str]:
    """The chapter keys of the book in toc order (front matter and appendices left out)."""
    return [p.stem for p in toc.notebooks() if p.parent.name not in FRONT_AND_BACK]


def _check_chapter_map(exam: dict, chapters: list[str]) -> None:
    lists = {d["id"]: d.get("chapters") for d in exam["domains"]}
    if all(v is None for v in lists.values()):
        return  # domains are tagged on the questions themselves
    where = f"data/exams.yaml: {exam['code']}"
    without = [d for d, v in lists.items() if v is None]
    if without:
        raise ExamError(
            f"{where}: domains {', '.join(without)} have no 'chapters:' list, but other domains "
            "do. Give every domain of the exam a 'chapters:' list, or none of them."
        )
    owner: dict[str, str] = {}
    for domain, keys in lists.items():
        for key in keys:
            if key not in chapters:
                raise ExamError(
                    f"{where}: domain '{domain}' lists chapter '{key}', which is not a chapter in "
                    f"_toc.yml (chapters: {', '.join(chapters)})."
                )
            if key in owner:
                raise ExamError(
                    f"{where}: chapter '{key}' is listed under both '{owner[key]}' and '{domain}'; "
                    "keep it under exactly one domain."
                )
            owner[key] = domain
    missing = [c for c in chapters if c not in owner]
    if missing:
        raise ExamError(
            f"{where}: chapters {', '.join(missing)} belong to no domain; add each to exactly one "
            "domain's 'chapters:' list."
        )


def load_exams(exams: list[dict] | None = None) -> list[dict]:
    """``data/exams.yaml`` (or ``exams``), checked against its schema and the toc."""
    exams = load_yaml("exams.yaml") if exams is None else exams
    check_schema(exams, "exams.schema.json", "data/exams.yaml", ExamError)
    chapters = exam_chapters()
    for exam in exams:
        _check_chapter_map(exam, chapters)
    return exams


def get_exam(code: str, exams: list[dict] | None = None) -> dict:
    """The exam with this code; an unknown code names the valid ones."""
    exams = load_exams() if exams is None else exams
    for exam in exams:
        if exam["code"] == code:
            return exam
    raise ExamError(
        f"Unknown exam code {code!r}; choose one of: {', '.join(e['code'] for e in exams)}."
    )


def domain_pools(code: str, exams: list[dict] | None = None,
                 bank: list[Question] | None = None) -> dict[str, list[Question]]:
    """The bank's questions grouped by the domain of exam ``code`` they count towards."""
    exam = get_exam(code, exams)
    bank = load_bank() if bank is None else bank
    by_chapter = {c: d["id"] for d in exam["domains"] for c in d.get("chapters", [])}
    pools: dict[str, list[Question]] = {d["id"]: [] for d in exam["domains"]}
    for q in bank:
        domain = by_chapter.get(q.chapter) if by_chapter else q.domain
        if domain not in pools:
            raise ExamError(
                f"Question '{q.id}' (chapter {q.chapter}) counts towards domain '{domain}', which "
                f"{code} does not have (its domains: {', '.join(pools)})."
            )
        pools[domain].append(q)
    return pools


# ---------------------------------------------------------------------------------------------
# Allocation and drawing


def largest_remainder(weights: dict[str, int], caps: dict[str, int], n: int) -> dict[str, int]:
    """Split ``n`` over the keys of ``weights`` in proportion to them, no key above its cap.

    Hamilton's method: every key gets the whole part of weight × n / total, and the seats left go
    to the largest fractional parts (ties to the earlier key). A key whose share exceeds its cap
    gets its cap, and the shortfall is shared again among the others by weight, until none is over.
    """
    if not weights or any(w <= 0 for w in weights.values()):
        raise ExamError(f"Weights must be positive numbers, got {weights}.")
    if set(caps) != set(weights) or any(c < 0 for c in caps.values()):
        raise ExamError(f"Give one cap of 0 or more per domain: weights {weights}, caps {caps}.")
    if n > sum(caps.values()):
        raise ExamError(f"Cannot place {n} questions: the domains hold only {sum(caps.values())}.")
    counts: dict[str, int] = {}
    active, remaining = list(weights), n
    while active:
        total = sum(weights[k] for k in active)
        quotas = {k: Fraction(weights[k] * remaining, total) for k in active}
        share = {k: floor(quotas[k]) for k in active}
        by_remainder = sorted(active, key=lambda k: (-(quotas[k] - share[k]), active.index(k)))
        for k in by_remainder[: remaining - sum(share.values())]:
            share[k] += 1
        over = [k for k in active if share[k] > caps[k]]
        if not over:
            counts.update(share)
            break
        for k in over:
            counts[k] = caps[k]
            remaining -= caps[k]
            active.remove(k)
    return {k: counts.get(k, 0) for k in weights}


def allocate(exam_code: str, n: int = FULL_LENGTH, *, exams: list[dict] | None = None,
             bank: list[Question] | None = None) -> dict[str, int]:
    """How many of ``n`` questions each domain of ``exam_code`` gets, in the exam's domain order."""
    exams = load_exams() if exams is None else exams
    exam = get_exam(exam_code, exams)
    pools = domain_pools(exam_code, exams, bank)
    size = sum(len(p) for p in pools.values())
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= size:
        raise ExamError(
            f"The number of questions must be a whole number from 1 to {size} (the questions in "
            f"the bank), got {n!r}; a full-length exam has {FULL_LENGTH}."
        )
    weights = {d["id"]: d["weight"] for d in exam["domains"]}
    return largest_remainder(weights, {d: len(p) for d, p in pools.items()}, n)


def _mulberry32(seed: int):
    """A small 32-bit generator; the page's JavaScript runs the same one (``rng`` there)."""
    state = seed & 0xFFFFFFFF

    def imul(x: int, y: int) -> int:
        return (x * y) & 0xFFFFFFFF

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(state ^ (state >> 15), 1 | state)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_float


def _shuffle(items: list, rand) -> list:
    for i in range(len(items) - 1, 0, -1):
        j = floor(rand() * (i + 1))
        items[i], items[j] = items[j], items[i]
    return items


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise ExamError(
            f"The seed must be a whole number from 0 to {SEED_LIMIT - 1}, got {seed!r}.")
    return seed


def draw(exam_code: str, seed: int, n: int = FULL_LENGTH) -> list[Question]:
    """The exam the page draws for ``seed``: within each domain, shuffle its questions and take
    the allocated number; then shuffle the whole exam. Same generator and order as the page."""
    _check_seed(seed)
    exams = load_exams()
    bank = load_bank()
    counts = allocate(exam_code, n, exams=exams, bank=bank)
    rand = _mulberry32(seed)
    picked: list[Question] = []
    for domain, pool in domain_pools(exam_code, exams, bank).items():
        picked += _shuffle(list(pool), rand)[: counts[domain]]
    return _shuffle(picked, rand)


# ---------------------------------------------------------------------------------------------
# The page


def chapter_links(from_folder: str = PAGE_FOLDER) -> dict[str, dict[str, str]]:
    """Each toc notebook's site link relative to ``from_folder``, and its title (first heading)."""
    root = book_root()
    links = {}
    for path in toc.notebooks():
        page = path.relative_to(root).with_suffix(".html").as_posix()
        links[path.stem] = {"href": posixpath.relpath(page, from_folder), "title": _title(path)}
    return links


def _title(path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            first = "".join(cell.get("source", "")).strip().splitlines()
            if first and first[0].startswith("# "):
                # MyST roles such as {term}`ReLU <Rectified linear unit>` keep their text only
                title = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(<[^`]*>)?`", r"\1", first[0][2:])
                return title.replace("`", "").strip()
    return path.stem.replace("-", " ").capitalize()


def exam_data(from_folder: str = PAGE_FOLDER) -> dict:
    """Everything the page's script needs: exams with allocations and pools, questions, links."""
    exams = load_exams()
    bank = load_bank()
    index = {q.id: i for i, q in enumerate(bank)}
    links = chapter_links(from_folder)
    out_exams = []
    for exam in exams:
        counts = allocate(exam["code"], FULL_LENGTH, exams=exams, bank=bank)
        pools = domain_pools(exam["code"], exams, bank)
        out_exams.append({
            "code": exam["code"],
            "name": exam["name"],
            "minutes": exam["minutes"],
            "domains": [
                {"id": d["id"], "number": d["number"], "name": d["name"], "weight": d["weight"],
                 "count": counts[d["id"]], "pool": [index[q.id] for q in pools[d["id"]]]}
                for d in exam["domains"]
            ],
        })
    questions = [
        {"id": q.id, "chapter": q.chapter, "answers": q.answer_count, "stem": _inline(q.stem),
         "options": [[_inline(o.text), int(o.correct), _inline(o.explanation)] for o in q.options],
         "order": display_order(q)}
        for q in bank
    ]
    used = {q.chapter for q in bank}
    chapters = {k: v for k, v in links.items() if k in used}
    return {"n": FULL_LENGTH, "exams": out_exams, "questions": questions, "chapters": chapters}


def _json_for_script(data) -> str:
    """Compact JSON that cannot close the <script> element or open a comment inside it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_STYLE = """
.mlbook-exam{color-scheme:light;--ok:#1a7f37;--bad:#c62828;margin:1em 0;padding:.8em 1em;
 border:1px solid #8c959f;border-radius:8px;background:#ffffff;color:#1f2328;line-height:1.5}
.mlbook-exam [hidden]{display:none!important}
.mlbook-exam p,.mlbook-exam label,.mlbook-exam legend,.mlbook-exam h2,.mlbook-exam caption,
.mlbook-exam th,.mlbook-exam td{color:#1f2328}
.mlbook-exam h2{font-size:1.25em;margin:.4em 0;border:0}
.mlbook-exam code{color:#1f2328;background:#eef1f4;padding:0 .2em;border-radius:3px}
.mlbook-exam a{color:#0550ae;text-decoration:underline}
.mlbook-exam .controls{display:flex;flex-wrap:wrap;gap:.5em 1.4em;align-items:center;margin:.3em 0}
.mlbook-exam .controls label{display:inline;padding:0;margin:0;border:0;cursor:pointer}
.mlbook-exam select,.mlbook-exam input[type=text]{font:inherit;color:#1f2328;background:#ffffff;
 border:1px solid #6e7781;border-radius:4px;padding:.1em .4em}
.mlbook-exam input[type=text]{width:8em}
.mlbook-exam button{font:inherit;padding:.25em .9em;border-radius:4px;cursor:pointer;
 border:1px solid #6e7781;background:#f6f8fa;color:#1f2328}
.mlbook-exam .mlbook-exam-start,.mlbook-exam .mlbook-exam-finish{background:#1f6feb;
 border-color:#1f6feb;color:#ffffff;font-weight:600}
.mlbook-exam :focus-visible{outline:2px solid #0969da;outline-offset:2px}
.mlbook-exam .note{font-size:.9em;color:#57606a;margin:.3em 0}
.mlbook-exam .status{font-weight:600;margin:.5em 0}
.mlbook-exam .clock{font-weight:600;font-variant-numeric:tabular-nums;color:#1f2328}
.mlbook-exam fieldset.mlbook-exam-question{border:1px solid #8c959f;border-radius:6px;
 padding:.6em 1em;margin:1em 0;min-width:0}
.mlbook-exam legend{float:left;width:100%;font-size:1em;font-weight:600;margin:0 0 .4em;padding:0}
.mlbook-exam legend .num{display:block;font-size:.85em;font-weight:400;color:#57606a}
.mlbook-exam fieldset label{clear:both;display:block;padding:.3em .5em;margin:.25em 0;
 border-radius:4px;border:1px solid transparent;cursor:pointer}
.mlbook-exam fieldset label:hover{border-color:#8c959f}
.mlbook-exam fieldset label.right{border-color:var(--ok);background:#dafbe1}
.mlbook-exam fieldset label.wrong{border-color:var(--bad);background:#ffebe9}
.mlbook-exam .why{display:block;margin:.2em 0 0 1.6em;font-size:.92em;color:#1f2328}
.mlbook-exam .verdict{clear:both;font-weight:600;margin:.4em 0 .2em}
.mlbook-exam .verdict.right{color:var(--ok)}.mlbook-exam .verdict.wrong{color:var(--bad)}
.mlbook-exam .source{margin:.2em 0;font-size:.92em}
.mlbook-exam table{border-collapse:collapse;margin:.5em 0 1em;background:#ffffff}
.mlbook-exam th,.mlbook-exam td{border:1px solid #8c959f;padding:.25em .7em;text-align:left;
 background:#ffffff}
.mlbook-exam thead th,.mlbook-exam tfoot th,.mlbook-exam tfoot td{background:#f6f8fa}
.mlbook-exam td.num{text-align:right;font-variant-numeric:tabular-nums}
.mlbook-exam caption{caption-side:top;text-align:left;font-weight:600;padding:.2em 0}
"""

_SCRIPT = r"""
(function(){
var root=document.getElementById('mlbook-exam'); if(!root||root.dataset.ready) return;
root.dataset.ready='1';
var DATA=__DATA__;
function $(s){return root.querySelector(s);}
var fallback=$('.mlbook-exam-fallback'); if(fallback) fallback.parentNode.removeChild(fallback);
$('.mlbook-exam-app').hidden=false;
var select=$('select[name="exam"]'), seedBox=$('input[name="seed"]'),
    timerBox=$('input[name="timer"]'), minutes=$('.mlbook-exam-minutes'),
    status=$('.mlbook-exam-status'), clock=$('.mlbook-exam-clock'),
    results=$('.mlbook-exam-results'), paper=$('.mlbook-exam-paper'),
    footer=$('.mlbook-exam-footer'), progress=$('.mlbook-exam-progress'),
    finishBtn=$('.mlbook-exam-finish'), state=null;
/* in JupyterLab the chapters are notebooks next to this one, not web pages */
var inJupyter=!!(root.closest&&root.closest('.jp-OutputArea'));
var byId={}; DATA.questions.forEach(function(q){byId[q.id]=q;});
function exam(){
  for(var i=0;i<DATA.exams.length;i++){if(DATA.exams[i].code===select.value) return DATA.exams[i];}
  return DATA.exams[0];
}
function showMinutes(){minutes.textContent=String(exam().minutes);}
select.addEventListener('change',showMinutes); showMinutes();
function rng(seed){  /* mulberry32, as mlbook.exam._mulberry32 */
  var a=seed>>>0;
  return function(){
    a=(a+0x6D2B79F5)|0; var t=Math.imul(a^(a>>>15),1|a);
    t=(t+Math.imul(t^(t>>>7),61|t))^t; return ((t^(t>>>14))>>>0)/4294967296;
  };
}
function shuffle(items,rand){
  for(var i=items.length-1;i>0;i--){
    var j=Math.floor(rand()*(i+1)), t=items[i]; items[i]=items[j]; items[j]=t;
  }
  return items;
}
function draw(ex,seed){
  var rand=rng(seed), picked=[];
  ex.domains.forEach(function(d){
    shuffle(d.pool.slice(),rand).slice(0,d.count).forEach(function(i){picked.push([i,d]);});
  });
  return shuffle(picked,rand);
}
function freshSeed(){
  if(window.crypto&&window.crypto.getRandomValues){
    return window.crypto.getRandomValues(new Uint32Array(1))[0]%1000000;
  }
  return Math.floor(Math.random()*1000000);
}
function el(tag,cls,text){
  var e=document.createElement(tag); if(cls) e.className=cls;
  if(text!==undefined) e.textContent=text; return e;
}
function countAnswered(){
  if(!state) return;
  var n=0;
  paper.querySelectorAll('fieldset.mlbook-exam-question').forEach(function(fs){
    if(fs.querySelector('input:checked')) n++;
  });
  progress.textContent='Answered '+n+' of '+state.total+'.';
}
function stopTimer(){ if(state&&state.timer){clearInterval(state.timer); state.timer=null;} }
function startTimer(mins){
  var end=Date.now()+mins*60000;
  function tick(){
    var left=Math.max(0,end-Date.now()), s=Math.ceil(left/1000);
    clock.textContent='Time left: '+Math.floor(s/60)+':'+('0'+(s%60)).slice(-2);
    if(left<=0) finish(true);
  }
  clock.hidden=false; tick(); state.timer=setInterval(tick,1000);
}
function start(){
  var text=seedBox.value.trim(), seed;
  if(text===''){ seed=freshSeed(); }
  else if(!/^[0-9]{1,10}$/.test(text)||Number(text)>4294967295){
    status.textContent='The seed must be a whole number from 0 to 4294967295. '+
      'Leave it empty for a new exam.';
    seedBox.focus(); return;
  } else { seed=Number(text); }
  stopTimer();
  var ex=exam(), drawn=draw(ex,seed);
  state={exam:ex,seed:seed,total:drawn.length,done:false,timer:null};
  seedBox.value=''; results.hidden=true; results.textContent=''; paper.textContent='';
  clock.hidden=true; clock.textContent='';
  drawn.forEach(function(pair,k){
    var q=DATA.questions[pair[0]], d=pair[1], kind=q.answers>1?'checkbox':'radio';
    var fs=el('fieldset','mlbook-exam-question');
    fs.setAttribute('data-domain',d.id); fs.setAttribute('data-chapter',q.chapter);
    fs.setAttribute('data-question',q.id);
    var lg=el('legend');
    lg.appendChild(el('span','num','Question '+(k+1)+' of '+drawn.length));
    lg.insertAdjacentHTML('beforeend',q.stem); fs.appendChild(lg);
    q.order.forEach(function(i,pos){
      var lab=el('label'), inp=el('input');
      inp.type=kind; inp.name='mlbook-exam-'+q.id; inp.value=String(i);
      lab.appendChild(inp);
      lab.insertAdjacentHTML('beforeend',' <strong>'+'ABCDEF'.charAt(pos)+'.<\/strong> '+
        q.options[i][0]);
      fs.appendChild(lab);
    });
    paper.appendChild(fs);
  });
  footer.hidden=false; finishBtn.disabled=false; countAnswered();
  status.textContent=ex.code+' practice exam: '+drawn.length+' questions, seed '+seed+
    '. To take this same exam again, enter '+seed+' as the seed before pressing Start.';
  if(timerBox.checked) startTimer(ex.minutes);
  status.focus();
}
function pct(a,b){return b?Math.round(100*a/b)+' %':'-';}
function finish(timeUp){
  if(!state||state.done) return;
  state.done=true; stopTimer(); finishBtn.disabled=true;
  var ex=state.exam, per={}, right=0;
  ex.domains.forEach(function(d){per[d.id]={right:0,total:0};});
  paper.querySelectorAll('fieldset.mlbook-exam-question').forEach(function(fs){
    var q=byId[fs.getAttribute('data-question')], ok=true, any=false;
    fs.querySelectorAll('input').forEach(function(inp){
      var opt=q.options[Number(inp.value)], correct=opt[1]===1, lab=inp.parentNode;
      inp.disabled=true;
      if(correct) inp.setAttribute('data-correct','1');
      if(inp.checked) any=true;
      if(inp.checked!==correct) ok=false;
      if(correct) lab.classList.add('right'); else if(inp.checked) lab.classList.add('wrong');
      var why=el('span','why');
      why.innerHTML=(correct?'\u2714 Correct option. ':'\u2718 Incorrect option. ')+
        (inp.checked?'<em>You chose it.<\/em> ':'')+opt[2];
      lab.appendChild(why);
    });
    ok=ok&&any;
    var verdict=el('p','verdict '+(ok?'right':'wrong'),
      ok?'Right.':(any?'Wrong: the correct option'+(q.answers>1?'s are':' is')+
        ' outlined in green.':'Not answered.'));
    fs.appendChild(verdict);
    var src=el('p','source','From the chapter: '), link=el('a','mlbook-exam-chapter');
    var ch=DATA.chapters[q.chapter];
    link.setAttribute('href',inJupyter?ch.href.replace(/\.html$/,'.ipynb'):ch.href);
    link.textContent=ch.title;
    src.appendChild(link); fs.appendChild(src);
    var d=per[fs.getAttribute('data-domain')]; d.total++; if(ok){d.right++; right++;}
  });
  results.textContent='';
  var h=el('h2','','Your score: '+right+' of '+state.total+' ('+pct(right,state.total)+')');
  h.setAttribute('tabindex','-1'); results.appendChild(h);
  results.appendChild(el('p','note',(timeUp?'Time is up, so the exam was finished for you. ':'')+
    ex.code+', seed '+state.seed+'. Every question below now shows whether you were right, why '+
    'each option is right or wrong, and the chapter to read again.'));
  var table=el('table'), cap=el('caption','','Score by exam domain'), thead=el('thead');
  table.appendChild(cap);
  var hr=el('tr');
  ['Domain','Weight','Correct / questions','Score'].forEach(function(t){
    var th=el('th','',t); th.setAttribute('scope','col'); hr.appendChild(th);
  });
  thead.appendChild(hr); table.appendChild(thead);
  var tbody=el('tbody');
  ex.domains.forEach(function(d){
    var r=per[d.id], tr=el('tr','mlbook-exam-score'), th=el('th','',d.number+'. '+d.name);
    tr.setAttribute('data-domain',d.id); th.setAttribute('scope','row'); tr.appendChild(th);
    tr.appendChild(el('td','num',d.weight+' %'));
    tr.appendChild(el('td','num',r.right+' / '+r.total));
    tr.appendChild(el('td','num',pct(r.right,r.total)));
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  var tfoot=el('tfoot'), tr=el('tr','mlbook-exam-total'), th=el('th','','All domains');
  th.setAttribute('scope','row'); tr.appendChild(th); tr.appendChild(el('td','num','100 %'));
  tr.appendChild(el('td','num',right+' / '+state.total));
  tr.appendChild(el('td','num',pct(right,state.total)));
  tfoot.appendChild(tr); table.appendChild(tfoot); results.appendChild(table);
  results.hidden=false;
  status.textContent='Finished. Press Start for a new exam.';
  h.focus();
}
$('.mlbook-exam-start').addEventListener('click',start);
finishBtn.addEventListener('click',function(){finish(false);});
paper.addEventListener('change',countAnswered);
})();
"""

_BODY = """<div class="mlbook-exam-fallback"><p><strong>The practice exam needs JavaScript.</strong>
On the website, allow scripts for this page. In JupyterLab, trust the notebook (command palette:
Trust Notebook) or run this cell again, and the exam appears here.</p></div>
<div class="mlbook-exam-app" hidden>
<div class="controls">
<label>Exam <select name="exam">__OPTIONS__</select></label>
<label>Seed <input type="text" name="seed" inputmode="numeric" autocomplete="off"
 aria-describedby="mlbook-exam-seed-note"></label>
<label><input type="checkbox" name="timer"> Time limit of
 <span class="mlbook-exam-minutes">__MINUTES__</span> minutes</label>
<button type="button" class="mlbook-exam-start">Start</button>
</div>
<p class="note" id="mlbook-exam-seed-note">Leave the seed empty for a new exam; enter the seed an
earlier exam showed to take that same exam again.</p>
<p class="status mlbook-exam-status" tabindex="-1" aria-live="polite"></p>
<p class="clock mlbook-exam-clock" role="timer" hidden></p>
<div class="mlbook-exam-results" hidden></div>
<div class="mlbook-exam-paper"></div>
<div class="mlbook-exam-footer" hidden>
<button type="button" class="mlbook-exam-finish">Finish and score</button>
<span class="note mlbook-exam-progress" aria-live="off"></span>
</div>
</div>"""


def render(from_folder: str = PAGE_FOLDER) -> str:
    """The practice exam as one self-contained HTML string (styles, data and script inline)."""
    data = exam_data(from_folder)
    options = "".join(
        f'<option value="{e["code"]}">{e["code"]}: {_inline(e["name"])}</option>'
        for e in data["exams"]
    )
    body = _BODY.replace("__OPTIONS__", options).replace(
        "__MINUTES__", str(data["exams"][0]["minutes"]))
    script = _SCRIPT.replace("__DATA__", _json_for_script(data))
    return (
        f'<div class="mlbook-exam" id="mlbook-exam"><style>{_STYLE}</style>{body}'
        f"<script>{script}</script></div>"
    )


def show(from_folder: str = PAGE_FOLDER) -> HTML:
    """Display the practice exam; the last line of the practice-exam appendix."""
    return HTML(render(from_folder))


def weights_markdown(n: int = FULL_LENGTH, from_folder: str = PAGE_FOLDER) -> Markdown:
    """One table per exam: each domain's weight, its questions in an exam of ``n``, and its
    questions in the bank; for exams whose domains are given by chapter, the chapters too."""
    exams = load_exams()
    bank = load_bank()
    paths = {p.stem: p for p in toc.notebooks()}
    lines = []
    for exam in exams:
        counts = allocate(exam["code"], n, exams=exams, bank=bank)
        pools = domain_pools(exam["code"], exams, bank)
        by_chapter = all("chapters" in d for d in exam["domains"])
        lines += [
            f"**{exam['code']}**, {exam['name']}: {exam['minutes']} minutes on the timer "
            f"([source]({exam['minutes_source']})), domain weights from the "
            f"[exam guide]({exam['source']}).",
            "",
            f"| Domain | Weight | Weight × {n} | Questions drawn | In the bank |",
            "|---|---:|---:|---:|---:|",
        ]
        short, mapping = [], []
        for d in exam["domains"]:
            share = d["weight"] * n / 100
            have = len(pools[d["id"]])
            lines.append(f"| {d['number']}. {d['name']} | {d['weight']} % | {share:.1f} "
                         f"| {counts[d['id']]} | {have} |")
            if by_chapter:
                links = []
                for key in d["chapters"]:
                    rel = paths[key].relative_to(book_root()).as_posix()
                    name = _title(paths[key]).split(":")[0]
                    links.append(f"[{name}]({posixpath.relpath(rel, from_folder)})")
                mapping.append(f"- **Domain {d['number']}, {d['name']}**: {', '.join(links)}")
            if have < share:
                short.append(d["name"])
        lines.append("")
        if by_chapter:
            lines += [f"{exam['code']}'s domains are not tagged on the questions, so each "
                      "chapter's questions count towards one domain:", "", *mapping, ""]
        if short:
            lines += [f"The bank has fewer questions than the weight asks for in: "
                      f"{'; '.join(short)}. Such a domain gets every question it has, and the "
                      "other domains share the rest by weight.", ""]
    return Markdown("\n".join(lines))
