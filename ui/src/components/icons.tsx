// Small icons drawn as SVG, not font glyphs: a desktop's fonts may lack ⠿, ✕ or ✓ and
// show a box instead. They inherit the text colour; the words around them carry the meaning.
const base = { width: 14, height: 14, viewBox: '0 0 14 14', fill: 'none', stroke: 'currentColor', 'aria-hidden': true } as const;

export function GripIcon() {
  return (
    <svg {...base} fill="currentColor" stroke="none">
      {[3, 7, 11].map((y) => (
        <g key={y}>
          <circle cx="5" cy={y} r="1.2" />
          <circle cx="9" cy={y} r="1.2" />
        </g>
      ))}
    </svg>
  );
}

export function CloseIcon() {
  return (
    <svg {...base} strokeWidth="1.6" strokeLinecap="round">
      <path d="M3.5 3.5l7 7M10.5 3.5l-7 7" />
    </svg>
  );
}

export function CheckIcon() {
  return (
    <svg {...base} strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <path d="M2.5 7.5l3 3 6-7" />
    </svg>
  );
}

export function CircleIcon() {
  return (
    <svg {...base} strokeWidth="1.3">
      <circle cx="7" cy="7" r="4.5" />
    </svg>
  );
}
