//! A `TestBackend` that counts frames and publishes each finished frame's text,
//! so a test can wait on what the user would see while the loop runs elsewhere.

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Screen {
    pub frames: Arc<AtomicUsize>,
    pub text: Arc<Mutex<String>>,
}

impl Screen {
    pub fn frames(&self) -> usize {
        self.frames.load(Ordering::SeqCst)
    }
    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}

pub struct Probe {
    pub inner: TestBackend,
    pub screen: Screen,
}

impl Probe {
    pub fn new(w: u16, h: u16) -> (Probe, Screen) {
        let screen = Screen::default();
        (
            Probe {
                inner: TestBackend::new(w, h),
                screen: screen.clone(),
            },
            screen,
        )
    }
}

impl Backend for Probe {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        let text: String = self
            .inner
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        *self.screen.text.lock().unwrap() = text;
        self.screen.frames.fetch_add(1, Ordering::SeqCst);
        self.inner.flush()
    }
}
