/** Monarch's artwork: a monarch butterfly in the messenger's blues and oranges (our own drawing). */
export function Logo({ size = 96, animated = false }: { size?: number; animated?: boolean }) {
  return (
    <svg className={`logo${animated ? ' logo-animated' : ''}`} width={size} height={size} viewBox="0 0 64 64" role="img" aria-label="Monarch">
      <defs>
        <linearGradient id="logo-wing" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#ffb347" />
          <stop offset="1" stopColor="#f0711c" />
        </linearGradient>
        <linearGradient id="logo-wing-low" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#ff9d2e" />
          <stop offset="1" stopColor="#d85a10" />
        </linearGradient>
        <radialGradient id="logo-glow" cx="0.5" cy="0.45" r="0.55">
          <stop offset="0" stopColor="#ffffff" stopOpacity="0.9" />
          <stop offset="1" stopColor="#bcd8f5" stopOpacity="0" />
        </radialGradient>
      </defs>
      <circle className="logo-glow" cx="32" cy="30" r="30" fill="url(#logo-glow)" />
      <g className="wing wing-left" stroke="#2b2118" strokeWidth="2" strokeLinejoin="round">
        <path d="M31 28C26 14 14 6 6 10c-5 3-2 14 6 19 6 3 13 2 19-1z" fill="url(#logo-wing)" />
        <path d="M31 32c-6 0-15 3-17 10-2 6 3 11 9 9 5-2 8-10 8-19z" fill="url(#logo-wing-low)" />
        <path d="M12 13l6 6M9 20l9 3M20 39l5-4" stroke="#2b2118" strokeWidth="1.4" strokeLinecap="round" />
        <circle cx="8.5" cy="12" r="1.3" fill="#fff" stroke="none" />
        <circle cx="7" cy="17" r="1" fill="#fff" stroke="none" />
      </g>
      <g className="wing wing-right" stroke="#2b2118" strokeWidth="2" strokeLinejoin="round">
        <path d="M33 28c5-14 17-22 25-18 5 3 2 14-6 19-6 3-13 2-19-1z" fill="url(#logo-wing)" />
        <path d="M33 32c6 0 15 3 17 10 2 6-3 11-9 9-5-2-8-10-8-19z" fill="url(#logo-wing-low)" />
        <path d="M52 13l-6 6M55 20l-9 3M44 39l-5-4" stroke="#2b2118" strokeWidth="1.4" strokeLinecap="round" />
        <circle cx="55.5" cy="12" r="1.3" fill="#fff" stroke="none" />
        <circle cx="57" cy="17" r="1" fill="#fff" stroke="none" />
      </g>
      <rect x="30" y="20" width="4" height="26" rx="2" fill="#2b2118" />
      <path d="M31 21c-2-5-5-8-8-9M33 21c2-5 5-8 8-9" fill="none" stroke="#2b2118" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}
