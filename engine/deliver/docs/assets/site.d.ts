/** site.js is imported as text (`with { type: "text" }`) and shipped to the browser as is. */
declare const text: string;
export default text;
