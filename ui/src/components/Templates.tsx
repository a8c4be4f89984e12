import { useEffect, useRef, useState } from 'react';
import type { ImportReport } from '../bindings/ImportReport';
import type { Template } from '../bindings/Template';
import { ipc, toAppError, type AppError } from '../ipc';
import { ErrorNote } from './ErrorNote';
import { useNotify } from '../desk/notify';

type Props = {
  /** The builder's current steps and options as a template named `name`. */
  current: (name: string) => Template;
  canSave: boolean;
  onLoad: (template: Template) => void;
};

/** Named step lists: save the builder's, load one back, rename, delete, export, import. */
export function Templates({ current, canSave, onLoad }: Props) {
  const notify = useNotify();
  const [list, setList] = useState<Template[] | null>(null);
  const [name, setName] = useState('');
  const [selected, setSelected] = useState('');
  const [error, setError] = useState<{ context: string; error: AppError } | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [exportUrl, setExportUrl] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const reload = () =>
    ipc.templatesList().then(
      (l) => {
        setList(l);
        setSelected((s) => (l.some((t) => t.name === s) ? s : (l[0]?.name ?? '')));
      },
      (e: unknown) => setError({ context: 'Templates', error: toAppError(e) }),
    );
  useEffect(() => {
    void reload();
  }, []);
  useEffect(() => () => {
    if (exportUrl) URL.revokeObjectURL(exportUrl);
  }, [exportUrl]);

  const run = (context: string, p: Promise<unknown>, done: string) => {
    setError(null);
    p.then(
      () => {
        notify(done);
        return reload();
      },
      (e: unknown) => setError({ context, error: toAppError(e) }),
    );
  };

  const save = () => {
    const n = name.trim();
    if (n === '') return;
    run('Save template', ipc.templateSave(current(n)), `Template “${n}” saved`);
    setSelected(n);
  };
  const load = () => {
    const t = list?.find((x) => x.name === selected);
    if (t) {
      onLoad(t);
      notify(`Template “${t.name}” loaded`);
    }
  };
  const rename = () => {
    const to = name.trim();
    if (!selected || to === '') return;
    run('Rename template', ipc.templateRename(selected, to), `Renamed to “${to}”`);
    setSelected(to);
  };
  const remove = () => {
    if (selected) run('Delete template', ipc.templateDelete(selected), `Template “${selected}” deleted`);
  };
  const exportAll = () => {
    setError(null);
    ipc.templatesExport(null).then(
      (json) => {
        const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
        setExportUrl(url);
        const a = document.createElement('a');
        a.href = url;
        a.download = 'flowdesk-templates.json';
        a.click();
      },
      (e: unknown) => setError({ context: 'Export templates', error: toAppError(e) }),
    );
  };
  const importFile = (file: File | undefined) => {
    if (!file) return;
    setError(null);
    file
      .text()
      .then((json) => ipc.templatesImport(json))
      .then(
        (r) => {
          setReport(r);
          return reload();
        },
        (e: unknown) => setError({ context: 'Import templates', error: toAppError(e) }),
      )
      .finally(() => {
        if (fileRef.current) fileRef.current.value = '';
      });
  };

  return (
    <section className="templates" aria-labelledby="templates-title" data-testid="templates">
      <h2 id="templates-title">Templates</h2>
      <div className="templates-row">
        <input
          type="text"
          value={name}
          placeholder="Template name"
          aria-label="Template name"
          onChange={(e) => setName(e.target.value)}
          data-testid="template-name"
        />
        <button type="button" className="small" disabled={!canSave || name.trim() === ''} onClick={save} data-testid="template-save">
          Save current
        </button>
        <button type="button" className="small" disabled={!selected || name.trim() === ''} onClick={rename} data-testid="template-rename">
          Rename selected
        </button>
      </div>
      <div className="templates-row">
        <select
          value={selected}
          onChange={(e) => setSelected(e.target.value)}
          aria-label="Saved templates"
          data-testid="template-select"
          disabled={!list || list.length === 0}
        >
          {list && list.length === 0 ? <option value="">No templates yet</option> : null}
          {list?.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name} ({t.steps.length})
            </option>
          ))}
        </select>
        <button type="button" className="small" disabled={!selected} onClick={load} data-testid="template-load">
          Load
        </button>
        <button type="button" className="small" disabled={!selected} onClick={remove} data-testid="template-delete">
          Delete
        </button>
      </div>
      <div className="templates-row">
        <button type="button" className="small" onClick={exportAll} data-testid="template-export" disabled={!list || list.length === 0}>
          Export…
        </button>
        <label className="small-file">
          Import…
          <input
            ref={fileRef}
            type="file"
            accept="application/json,.json"
            onChange={(e) => importFile(e.target.files?.[0])}
            data-testid="template-import"
          />
        </label>
      </div>
      {report ? (
        <p className="hint" data-testid="import-report">
          Added {report.added.length}, replaced {report.replaced.length}, skipped {report.skipped.length}
          {report.skipped.length > 0 ? `: ${report.skipped.map(([n, why]) => `${n} (${why})`).join('; ')}` : ''}
        </p>
      ) : null}
      {error ? <ErrorNote error={error.error} context={error.context} /> : null}
    </section>
  );
}
