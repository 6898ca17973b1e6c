/** The nudge wave: on the Nudge buttons and beside nudge lines in the transcript. */
export function NudgeIcon({ className, color = '#e07b00' }: { className?: string; color?: string }) {
  return (
    <svg className={className} viewBox="0 0 20 20" aria-hidden="true">
      <path d="M2 10c1.6-3.2 3.2-3.2 4.8 0s3.2 3.2 4.8 0 3.2-3.2 4.8 0" fill="none" stroke={color} strokeWidth="2.2" strokeLinecap="round" />
    </svg>
  );
}
