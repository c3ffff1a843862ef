export type Column<R> = [header: string, cell: (row: R) => string | number];

/** A table of one row per key: the label as the row header, then the given columns. */
export function CountsTable<R extends { key: string; label: string }>({ caption, keyHeader, rows, columns }: { caption: string; keyHeader: string; rows: R[]; columns: Array<Column<R>> }) {
  return (
    <table className="counts-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyHeader}</th>
          {columns.map(([header]) => (
            <th scope="col" key={header}>
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            {columns.map(([header, cell]) => (
              <td key={header}>{cell(r)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
