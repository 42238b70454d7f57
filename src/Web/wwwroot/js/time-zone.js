// The browser's time zone, so a time picked in a datetime-local input means the reader's local time.
export function timeZone() {
    return { name: Intl.DateTimeFormat().resolvedOptions().timeZone || "", offsetMinutes: -new Date().getTimezoneOffset() };
}
