(function(){
var t=document.getElementById('todo');if(!t||!t.tBodies[0])return;
var body=t.tBodies[0],rows=[].slice.call(body.querySelectorAll('tr.todo-row'));
var q=document.getElementById('todo-filter'),p=document.getElementById('todo-priority'),c=document.getElementById('todo-count');
function filter(){var s=q.value.toLowerCase(),pr=p.value,n=0;
rows.forEach(function(r){var ok=(!pr||r.getAttribute('data-priority')===pr)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);r.hidden=!ok;if(ok)n++;});
c.textContent=n+' / '+rows.length+' '+c.getAttribute('data-label');}
q.addEventListener('input',filter);p.addEventListener('change',filter);
var ths=[].slice.call(t.tHead.rows[0].cells);
ths.forEach(function(th,i){th.tabIndex=0;function sort(){var asc=th.getAttribute('aria-sort')!=='ascending';
ths.forEach(function(x){x.removeAttribute('aria-sort');});th.setAttribute('aria-sort',asc?'ascending':'descending');
var num=th.getAttribute('data-type')==='num';
rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];x=x.getAttribute('data-v')||x.textContent;y=y.getAttribute('data-v')||y.textContent;
var d=num?parseFloat(x)-parseFloat(y):x.localeCompare(y);return asc?d:-d;});
rows.forEach(function(r){body.appendChild(r);});}
th.addEventListener('click',sort);th.addEventListener('keydown',function(e){if(e.key==='Enter')sort();});});
filter();
})();
