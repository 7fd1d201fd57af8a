import { Link } from '@tanstack/react-router';
import { ui } from '../components/ui';

export function NotFound() {
  return (
    <div className={ui.page}>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Go to the overview</Link>.
      </p>
    </div>
  );
}
