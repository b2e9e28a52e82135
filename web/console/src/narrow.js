// Whether the console is on a phone-width screen (at most 640 px, the
// breakpoint of style.css): one reactive flag shared by the screens that lay
// out a wide table as stacked cards there instead of scrolling it sideways.
import { ref } from 'vue'

const query = window.matchMedia('(max-width: 640px)')
export const narrow = ref(query.matches)
query.addEventListener('change', (e) => {
  narrow.value = e.matches
})
