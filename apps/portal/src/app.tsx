import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/client';
import { SessionProvider } from './auth/session';
import { routes } from './routes';

const router = createBrowserRouter(routes);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      // A refusal or a missing object is an answer, not a hiccup to retry.
      retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
    },
  },
});

/** Darker blue than antd's default, so that links and primary buttons keep a 4.5:1 contrast. */
// antd's default secondary grey (breadcrumbs, description labels, empty states) and its red fall
// short of WCAG AA contrast (4.5:1) on white and on the page background: darker shades here.
const theme: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fa8',
    colorLink: '#1f5fa8',
    borderRadius: 4,
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorError: '#c41d1f',
  },
};

/** antd's own texts (pagination, pickers, empty tables) follow the console's language. */
function useAntdLocale(language: string): Locale {
  const [locale, setLocale] = useState<Locale>(enUS);
  useEffect(() => {
    let live = true;
    const load = language === 'zh-CN' ? import('antd/es/locale/zh_CN') : language === 'zh-TW' ? import('antd/es/locale/zh_TW') : Promise.resolve({ default: enUS });
    void load.then((m) => live && setLocale(m.default));
    return () => {
      live = false;
    };
  }, [language]);
  return locale;
}

export function App() {
  const { i18n } = useTranslation();
  const locale = useAntdLocale(i18n.language);
  return (
    <ConfigProvider locale={locale} theme={theme}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <SessionProvider>
            <RouterProvider router={router} />
          </SessionProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
