// The storefront's one script, loaded with `defer` on every shop page. Pages work without
// it: every form posts and the server redirects. With it, "add to cart" stays on the product
// page: the same form is posted with Accept: application/json, the server answers
// {ok, message, cart_count, cart_label, csrf}, and the page updates the cart link and the
// forms' token and announces the result in a live region. Anything unexpected (an error status, a network failure,
// another content type) falls back to the plain form post, so the shopper never loses a click.

interface CartAnswer {
  ok: boolean;
  message: string;
  cart_count: number;
  cart_label: string;
  csrf: string;  // the session's form token (a first change may have started the session)
}

function isCartAnswer(x: unknown): x is CartAnswer {
  const a = x as CartAnswer;
  return typeof a === 'object' && a !== null && typeof a.ok === 'boolean' &&
    typeof a.message === 'string' && typeof a.cart_count === 'number' && typeof a.cart_label === 'string' &&
    typeof a.csrf === 'string';
}

// One polite live region at the top of <main>, made before it is needed so that screen
// readers announce its later changes.
function statusRegion(): HTMLElement | null {
  const main = document.getElementById('main');
  if (!main) return null;
  let region = document.getElementById('cart-status');
  if (!region) {
    region = document.createElement('p');
    region.id = 'cart-status';
    region.setAttribute('role', 'status');
    region.hidden = true;
    main.prepend(region);
  }
  return region;
}

function announce(region: HTMLElement | null, answer: CartAnswer): void {
  if (!region) return;
  region.className = answer.ok ? 'notice' : 'error';
  region.textContent = answer.message;
  region.hidden = answer.message === '';
}

function updateCartLinks(label: string): void {
  document.querySelectorAll<HTMLAnchorElement>('header.site nav a[href$="/cart"]').forEach((a) => {
    a.textContent = label;
  });
}

async function post(form: HTMLFormElement): Promise<CartAnswer | null> {
  const body = new URLSearchParams();
  new FormData(form).forEach((value, key) => {
    if (typeof value === 'string') body.append(key, value);
  });
  const res = await fetch(form.action, {
    method: 'POST',
    body,
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!res.ok || !(res.headers.get('Content-Type') ?? '').startsWith('application/json')) return null;
  const answer: unknown = await res.json();
  return isCartAnswer(answer) ? answer : null;
}

function enhance(form: HTMLFormElement, region: HTMLElement | null): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    if (button) button.disabled = true;
    post(form)
      .then((answer) => {
        if (!answer) {
          form.submit();
          return;
        }
        document.querySelectorAll<HTMLInputElement>('input[name=csrf]').forEach((input) => {
          input.value = answer.csrf;
        });
        updateCartLinks(answer.cart_label);
        announce(region, answer);
      })
      .catch(() => form.submit())
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}

function start(): void {
  const forms = document.querySelectorAll<HTMLFormElement>('form[action$="/cart/add"]');
  if (forms.length === 0) return;
  const region = statusRegion();
  forms.forEach((form) => enhance(form, region));
}

start();
