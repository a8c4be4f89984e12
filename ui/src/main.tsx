import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { call } from './desk/call';
import { App, preloadScreens } from './App';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
// Start to interactive (docs/benchmarks.md): the app logs `flowdesk: ui-ready` once the builder's palette is painted.
// Then, with the builder on screen, the other screens' chunks load in the background.
const whenBuilderPainted = (): number =>
  requestAnimationFrame(() =>
    document.querySelector('.palette-item')
      ? setTimeout(() => {
          void call('ui_ready').catch(() => {});
          setTimeout(preloadScreens, 200);
        })
      : whenBuilderPainted(),
  );
whenBuilderPainted();
