import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import type { Locale } from 'antd/es/locale';
import enUS from 'antd/es/locale/en_US';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { queryClient } from './api/query-client';
import { SessionProvider } from './auth/session';
import { routes } from './routes';

const router = createBrowserRouter(routes);


/**
 * Darker blue than antd's default, so that links and primary buttons keep a 4.5:1 contrast; the
 * same for danger buttons (antd's red is 3.3:1), help texts under form fields, secondary text and
 * breadcrumbs (antd's 45% black is 3.4:1).
 */
const theme: ThemeConfig = {
  token: { colorPrimary: '#1f5fa8', colorLink: '#1f5fa8', colorError: '#cf1322', colorTextDescription: 'rgba(0, 0, 0, 0.65)', colorTextTertiary: 'rgba(0, 0, 0, 0.62)', colorTextPlaceholder: 'rgba(0, 0, 0, 0.62)', borderRadius: 4 },
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
  // No space put between two Chinese characters of a button (antd's default): the text would no longer match its aria-label.
  return (
    <ConfigProvider locale={locale} theme={theme} button={{ autoInsertSpace: false }}>
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
